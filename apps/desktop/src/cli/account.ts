// The CLI's view of the signed-in account: a CatalogService over the studio's database with secrets in the
// data dir (the CLI has no OS keychain; the data dir is 0700), the same service the studio UI uses.
import { fileSecretBox } from '../main/services/account/account-store.js';
import { CatalogService } from '../main/services/catalog/catalog-service.js';
import { catalogKindOf } from '../main/services/publish/publishing.js';
import type { Studio } from '../main/services/studio.js';
import { CliError, EXIT } from './exit-codes.js';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4000';

export function openCatalog(studio: Studio): CatalogService {
  return new CatalogService({
    db: studio.db,
    box: fileSecretBox(studio.dataDir),
    defaultServerUrl: process.env.FANZ_SERVER_URL ?? DEFAULT_SERVER_URL,
    mode: 'browser',
    maxBackoffMs: 2000,
    deviceName: 'FANZ Studio CLI',
    mediaKind: catalogKindOf(studio),
  });
}

export function requireSignedIn(catalog: CatalogService): { serverUrl: string; userId: string } {
  const s = catalog.session();
  if (!s.signedIn || !s.serverUrl || !s.user) {
    throw new CliError(EXIT.NOT_SIGNED_IN, 'not signed in: run `login --server URL --email E --password P` first');
  }
  return { serverUrl: s.serverUrl, userId: s.user.id };
}
