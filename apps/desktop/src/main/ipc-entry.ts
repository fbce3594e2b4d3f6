// The Electron transport's receiving end, without Electron: main/index.ts registers what `ipcEntry`
// returns as the one `studio:call` handler. Only the studio's own page may call (not a frame that
// navigated elsewhere); every answer is the shared response envelope.
import type { StudioApi } from '../shared/studio-api.js';
import { requestId, type RpcResponse } from '../shared/rpc-envelope.js';
import { answerRequest } from './api-dispatch.js';

/** What the handler reads of Electron's IpcMainInvokeEvent. */
export interface IpcCallEvent {
  senderFrame?: { url: string } | null;
}

/** file:// (the packaged renderer), or the dev server's address when electron-vite serves the renderer. */
export function studioPageUrl(devRendererUrl: string | undefined): (url: string) => boolean {
  return (url) => url.startsWith('file://') || (!!devRendererUrl && url.startsWith(devRendererUrl));
}

export function ipcEntry(api: StudioApi, fromStudioPage: (url: string) => boolean): (event: IpcCallEvent, request: unknown) => Promise<RpcResponse> {
  return async (event, request) => {
    if (!fromStudioPage(event.senderFrame?.url ?? '')) {
      return { id: requestId(request), ok: false, error: { code: 'FORBIDDEN', message: 'calls are accepted from the studio window only' } };
    }
    return answerRequest(api, request);
  };
}
