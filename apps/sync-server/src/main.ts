// `npm run server`: start the sync server from the environment and stop it cleanly on SIGINT/SIGTERM
// (close sockets, write every pending Yjs update, close the database), with a hard stop if that hangs.
import { loadConfig } from './config.js';
import { buildServer } from './server.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  // A bad setting stops start-up with its own message (e.g. REDIS_URL without DATABASE_URL), not a stack.
  console.error(`FANZ sync server cannot start: ${(err as Error).message}`);
  process.exit(2);
}
const server = await buildServer(config);
const url = await server.listen();
server.app.log.info(
  { url, database: server.db.kind, dataDir: config.databaseUrl ? undefined : config.dataDir },
  `FANZ sync server listening on ${url} (database: ${server.db.kind})`,
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      server.app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 10_000).unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        server.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
