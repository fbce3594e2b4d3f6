// Electron's transport: the preload's `window.studio.call` carries one request envelope to the main
// process's IPC entry and resolves with its response envelope; the shared caller matches it, maps errors
// and gives every call a deadline, exactly as over the WebSocket.
import type { ApiMethod, StudioApi } from '../../shared/studio-api';
import { RpcCaller } from '../../shared/rpc-caller';
import type { RpcRequest } from '../../shared/rpc-envelope';

export type IpcCall = (request: RpcRequest) => Promise<unknown>;

export function ipcTransport(call: IpcCall, o: { timeoutMs?: (method: ApiMethod) => number } = {}): StudioApi {
  const caller: RpcCaller = new RpcCaller({
    timeoutMs: o.timeoutMs,
    send: (request) => {
      call(request).then(
        (response) => caller.receive(response),
        (err: unknown) => caller.receive({ id: request.id, ok: false, error: { code: 'IPC_FAILED', message: err instanceof Error ? err.message : 'the studio did not answer' } }),
      );
    },
  });
  return caller.api();
}
