// `npm run server`: start the sync server from the environment and stop it cleanly on SIGINT/SIGTERM
// (close sockets, write every pending Yjs update, close the database), with a hard stop if that hangs.
import { loadConfig } from './config.js';
import { buildServer } from './server.js';

const config = loadConfig();
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
