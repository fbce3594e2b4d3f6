// Where the studio keeps its library and renditions: --data-dir, else FANZ_STUDIO_DIR, else the OS's
// app-data folder (the same folder Electron's app.getPath('userData') gives for "FANZ Studio").
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const APP_FOLDER = 'FANZ Studio';

export function defaultAppDataDir(): string {
  const home = homedir();
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', APP_FOLDER);
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER);
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), APP_FOLDER);
  }
}

export function resolveDataDir(flag?: string | null): string {
  if (flag) return resolve(flag);
  if (process.env.FANZ_STUDIO_DIR) return resolve(process.env.FANZ_STUDIO_DIR);
  return defaultAppDataDir();
}
