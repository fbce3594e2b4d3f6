// The calling end of the studio API, used by both renderer transports: numbers each call, sends the
// envelope, matches answers to calls by id, maps error answers to StudioApiError, and gives every call a
// deadline, so a host that never answers becomes a TIMEOUT error in words instead of a screen that waits
// forever. Answers that arrive after their call timed out are dropped. Pure TypeScript (timers only).
import { StudioApiError, apiInputSchemas, type ApiMethod, type StudioApi } from './studio-api.js';
import { callTimeoutMs, rpcResponseSchema, type RpcRequest } from './rpc-envelope.js';

export interface RpcCallerOptions {
  /** Hands a request to the transport; a rejection (or throw) fails that call with its error. */
  send(request: RpcRequest): void | Promise<void>;
  /** Per-method deadline; `callTimeoutMs` unless a test or a caller says otherwise. */
  timeoutMs?: (method: ApiMethod) => number;
}

interface Pending {
  method: ApiMethod;
  resolve(result: unknown): void;
  reject(err: StudioApiError): void;
  timer: ReturnType<typeof setTimeout>;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`;
}

export function timeoutError(method: ApiMethod, ms: number): StudioApiError {
  return new StudioApiError('TIMEOUT', `the studio did not answer in time (${method}, ${seconds(ms)}); it may still finish in the background, so check before trying again`, {
    method,
    timeoutMs: ms,
  });
}

export class RpcCaller {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly o: RpcCallerOptions) {}

  call(method: ApiMethod, params?: unknown): Promise<unknown> {
    const id = this.nextId++;
    const ms = (this.o.timeoutMs ?? callTimeoutMs)(method);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id, timeoutError(method, ms)), ms);
      this.pending.set(id, { method, resolve, reject, timer });
      // The deadline covers the send too (e.g. a WebSocket still connecting).
      try {
        void Promise.resolve(this.o.send({ id, method, params })).catch((err: unknown) => this.settle(id, asApiError(err, 'SEND_FAILED')));
      } catch (err) {
        this.settle(id, asApiError(err, 'SEND_FAILED'));
      }
    });
  }

  /** An answer from the other end; an answer for no waiting call (late, or unknown) is dropped. */
  receive(raw: unknown): void {
    const parsed = rpcResponseSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
      if (typeof id === 'number') this.settle(id, new StudioApiError('BAD_RESPONSE', 'the studio sent an answer this window cannot read'));
      return;
    }
    const r = parsed.data;
    if (r.ok) this.settle(r.id, null, r.result);
    else this.settle(r.id, new StudioApiError(r.error.code, r.error.message, r.error.details));
  }

  /** Fails every waiting call (the connection is gone). */
  failAll(err: StudioApiError): void {
    for (const id of [...this.pending.keys()]) this.settle(id, err);
  }

  get waiting(): number {
    return this.pending.size;
  }

  /** The typed API object: one function per method, each a `call`. */
  api(): StudioApi {
    return Object.fromEntries((Object.keys(apiInputSchemas) as ApiMethod[]).map((m) => [m, (params?: unknown) => this.call(m, params)])) as unknown as StudioApi;
  }

  private settle(id: number, err: StudioApiError | null, result?: unknown): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (err) p.reject(err);
    else p.resolve(result);
  }
}

function asApiError(err: unknown, code: string): StudioApiError {
  if (err instanceof StudioApiError) return err;
  return new StudioApiError(code, err instanceof Error ? err.message : String(err));
}
