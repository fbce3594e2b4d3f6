// The installed studio's version: the desktop package's version (what electron-builder stamps into the app).
import { readFileSync } from 'node:fs';

export const APP_VERSION = (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
