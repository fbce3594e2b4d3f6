// The preload (sandboxed, context-isolated): exposes exactly one object, `window.studio`, whose `call`
// forwards one request envelope ({id, method, params}, shared/rpc-envelope.ts) to the main process's single
// IPC handler and hands back its response envelope. No Node API and no ipcRenderer reach the page.
import { contextBridge, ipcRenderer, webUtils } from 'electron';

type Listener = (event: unknown) => void;

contextBridge.exposeInMainWorld('studio', {
  mode: 'electron',
  call: (request: unknown) => ipcRenderer.invoke('studio:call', request),
  subscribe(listener: Listener) {
    const handler = (_e: unknown, event: unknown) => listener(event);
    ipcRenderer.on('studio:event', handler);
    return () => ipcRenderer.off('studio:event', handler);
  },
  mediaUrl: (renditionId: string) => `studio-media://rendition/${encodeURIComponent(renditionId)}`,
  itemFileUrl: (itemId: string, path: string) => `studio-media://item/${encodeURIComponent(itemId)}/${path.split('/').map(encodeURIComponent).join('/')}`,
  /** Dropped files: their paths on disk, for import. */
  pathForFile: (file: File) => webUtils.getPathForFile(file),
});
