// Benchmark child: the reference y-websocket server (@y/websocket-server's setupWSConnection, in memory,
// no auth, no persistence), exactly as its own server.js wires it. Talks to the parent over IPC.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { setupWSConnection, docs } from '@y/websocket-server/utils';
import { serveBenchIpc } from './bench-ipc.js';

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('okay');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
server.on('upgrade', (req, socket, head) => {
  // The reference serves any path; strip our /sync prefix so the doc names match.
  req.url = (req.url ?? '/').replace(/^\/sync/, '');
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  serveBenchIpc({
    port,
    loadedDocs: () => (docs as Map<string, unknown>).size,
    seed: async (n) => Array.from({ length: n }, (_, i) => ({ docName: `creator:ref${i}`, token: 'unused' })),
  });
});
