// VR benchmark child: the baseline, a plain `ws` broadcast server with no checks at all: every message a
// client sends goes at once to every other socket on the same path. Answers CPU probes over IPC.
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const rooms = Number(process.env.BENCH_VR_ROOMS ?? 10);
const server = http.createServer();
const wss = new WebSocketServer({ server, perMessageDeflate: false });
const byRoom = new Map<string, Set<WebSocket>>();
wss.on('connection', (ws, req) => {
  const room = (req.url ?? '/').split('?')[0]!;
  let members = byRoom.get(room);
  if (!members) byRoom.set(room, (members = new Set()));
  members.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const other of members) if (other !== ws) other.send(data, { binary: isBinary });
  });
  ws.on('close', () => members.delete(ws));
});
process.on('message', (msg: { op: 'cpu' }) => {
  if (msg.op === 'cpu') process.send!({ cpu: process.cpuUsage() });
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  const seeded = Array.from({ length: rooms }, (_, r) => ({ experienceId: `room${r}`, tickets: [] as string[] }));
  process.send!({ port, rooms: seeded });
});
