// Electron main process: one window, a menu, the single-instance lock, the studio-media:// protocol for
// renditions, and one IPC handler that hands every call to the shared dispatcher. Everything else lives in
// the services (studio-backend.ts), which browser mode runs without Electron.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, shell } from 'electron';
import { join, resolve, relative, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import updaterPkg from 'electron-updater';
import { ipcEntry, studioPageUrl } from './ipc-entry.js';
import { openBackend, type StudioBackend } from './studio-backend.js';
import { electronUpdaterPort } from './services/updates/electron-updater-port.js';
import type { SecretBox } from './services/account/account-store.js';
import { fileSecretBox } from './services/account/account-store.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** How often the running app checks the update channel (and, when set to, downloads the verified release). */
const UPDATE_CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;
let backend: StudioBackend | null = null;
let win: BrowserWindow | null = null;

protocol.registerSchemesAsPrivileged([{ scheme: 'studio-media', privileges: { standard: true, secure: true, stream: true } }]);

/** Secrets sealed with the OS keychain (safeStorage); falls back to the data dir only where none exists. */
function keychainBox(dataDir: string): SecretBox {
  if (!safeStorage.isEncryptionAvailable()) return fileSecretBox(dataDir);
  return { kind: 'os-keychain', seal: (s) => safeStorage.encryptString(s), open: (b) => safeStorage.decryptString(b) };
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'FANZ Studio',
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
    },
  });
  // Links open in the system browser; the window itself never navigates away from the app.
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  w.webContents.on('will-navigate', (e) => e.preventDefault());
  if (process.env.ELECTRON_RENDERER_URL) void w.loadURL(process.env.ELECTRON_RENDERER_URL);
  else void w.loadFile(join(here, '../renderer/index.html'));
  return w;
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      {
        label: 'File',
        submenu: [
          {
            label: 'Import Media…',
            accelerator: 'CmdOrCtrl+I',
            click: async () => {
              if (!backend || !win) return;
              const r = await dialog.showOpenDialog(win, { properties: ['openFile', 'openDirectory', 'multiSelections'] });
              if (!r.canceled && r.filePaths.length) await backend.api.importPaths({ paths: r.filePaths });
            },
          },
          { type: 'separator' },
          { role: 'quit' },
        ],
      },
      { role: 'editMenu' },
      { role: 'viewMenu' },
      { role: 'windowMenu' },
    ]),
  );
}

if (!app.requestSingleInstanceLock()) {
  // Another studio owns the data dir (SQLite, job queue): focus it instead of opening a second one.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  void app.whenReady().then(() => {
    const dataDir = process.env.FANZ_STUDIO_DIR || app.getPath('userData');
    backend = openBackend({
      dataDir,
      defaultServerUrl: process.env.FANZ_SERVER_URL || 'http://127.0.0.1:4000',
      mode: 'electron',
      box: keychainBox,
      updater: electronUpdaterPort(updaterPkg.autoUpdater),
    });
    const b = backend;
    protocol.handle('studio-media', async (req) => {
      const u = new URL(req.url);
      const root = resolve(b.studio.dataDir);
      let file: string | null;
      if (u.host === 'item') {
        // studio-media://item/<itemId>/<path in its output folder> (the player's HLS playlists and segments).
        const [itemId = '', ...rest] = u.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
        file = b.itemFile(itemId, rest.join('/'));
      } else {
        const r = b.renditionFile(decodeURIComponent(u.pathname.replace(/^\//, '')));
        file = r ? resolve(root, r.path) : null;
      }
      const rel = file ? relative(root, file) : '..';
      if (!file || rel.startsWith('..') || isAbsolute(rel)) return new Response('not found', { status: 404 });
      // The Range header goes along: hls.js reads single-file rungs' segments as byte ranges.
      const range = req.headers.get('range');
      return net.fetch(pathToFileURL(file).toString(), range ? { headers: { range } } : undefined);
    });
    ipcMain.handle('studio:call', ipcEntry(b.api, studioPageUrl(process.env.ELECTRON_RENDERER_URL)));
    b.events.on('event', (e) => win?.webContents.send('studio:event', e));
    buildMenu();
    win = createWindow();
    b.updates.checkEvery(UPDATE_CHECK_INTERVAL_MS);
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) win = createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (e) => {
    if (!backend) return;
    const b = backend;
    backend = null;
    e.preventDefault();
    void b.close().finally(() => app.quit());
  });
}
