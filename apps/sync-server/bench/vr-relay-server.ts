// VR benchmark child: our server (PGlite in a temp dir), built with the same buildServer as production,
// with N rooms of 24 ticket holders seeded straight into the database (the ticket path itself is tested
// in test/vr-tickets.test.ts; hundreds of scrypt registrations would dominate the run). Every socket
// still goes through the full admission at the upgrade. Answers CPU probes over IPC.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@fanz/core';
import { loadConfig } from '../src/config.js';
import { buildServer } from '../src/server.js';

const rooms = Number(process.env.BENCH_VR_ROOMS ?? 10);
const clients = Number(process.env.BENCH_VR_CLIENTS ?? 24);
const dataDir = mkdtempSync(join(tmpdir(), 'fanz-vr-bench-'));
const server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir }, { logger: false });
const url = await server.listen();
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
process.on('disconnect', () => void server.close().finally(() => process.exit(0)));

async function user(role: 'creator' | 'fan'): Promise<string> {
  const id = newId('usr');
  await server.db.query(`INSERT INTO users (id, role, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, 'x', 'Bench')`, [id, role, `b_${id}`, `${id}@bench.test`]);
  return id;
}

const seeded: { experienceId: string; tickets: string[] }[] = [];
const startsAt = Date.now() - 60_000;
const endsAt = startsAt + 3 * 60 * 60_000;
for (let r = 0; r < rooms; r++) {
  const creator = await user('creator');
  const experienceId = newId('vr');
  await server.db.query(
    `INSERT INTO vr_experiences (id, creator_id, type, title, theme, capacity, starts_at, duration_minutes, timezone, price_amount, price_currency, status)
     VALUES ($1, $2, 'virtual_meetup', 'Bench room', 'lounge', $3, $4, 180, 'UTC', 1000, 'USD', 'scheduled')`,
    [experienceId, creator, clients, new Date(startsAt)],
  );
  const tickets: string[] = [];
  for (let c = 0; c < clients; c++) {
    const fan = await user('fan');
    const ticketId = newId('vrt');
    await server.db.query(`INSERT INTO vr_tickets (id, experience_id, fan_id, source, status, expires_at) VALUES ($1, $2, $3, 'tier', 'active', $4)`, [ticketId, experienceId, fan, new Date(endsAt)]);
    tickets.push(server.vr.tickets.sign({ ticketId, experienceId, userId: fan, expiresAt: endsAt }));
  }
  seeded.push({ experienceId, tickets });
}

process.on('message', (msg: { op: 'cpu' }) => {
  if (msg.op === 'cpu') process.send!({ cpu: process.cpuUsage() });
});
process.send!({ port: Number(new URL(url).port), rooms: seeded });
