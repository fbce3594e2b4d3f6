// The fetch the client runs on: a timeout per attempt, and retries with exponential backoff (plus jitter,
// or the server's Retry-After when it gives one) for requests that are safe to repeat: GET/HEAD/OPTIONS,
// PUT/DELETE, and POSTs that carry an Idempotency-Key (the server answers a repeat with the first outcome).
// Retried: network errors, timeouts, 408, 429, 500, 502, 503, 504. A POST without a key is never repeated.
import { FanzNetworkError } from './errors.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** A Retry-After longer than this is handed to the caller (as the 429) instead of being waited out. */
const MAX_WAIT_MS = 30_000;

export interface RetryOptions {
  retries: number;
  timeoutMs: number;
  baseDelayMs: number;
  fetch: typeof globalThis.fetch;
}

export const canRetry = (req: Request): boolean => IDEMPOTENT.has(req.method) || req.headers.has('idempotency-key');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function retryingFetch(o: RetryOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    const attempts = canRetry(req) ? o.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= attempts;
      const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs);
      let res: Response;
      try {
        res = await o.fetch(new Request(last ? req : req.clone(), { signal }));
      } catch (err) {
        if (req.signal?.aborted) throw err;
        const timedOut = (err as Error)?.name === 'TimeoutError';
        if (last) {
          throw timedOut
            ? new FanzNetworkError(`${req.method} ${req.url} got no answer within ${o.timeoutMs} ms.`, 'TIMEOUT', err)
            : new FanzNetworkError(`${req.method} ${req.url} failed: ${(err as Error)?.message ?? err}`, 'NETWORK_ERROR', err);
        }
        await sleep(backoff(o.baseDelayMs, attempt));
        continue;
      }
      if (last || !RETRY_STATUS.has(res.status)) return res;
      const retryAfter = Number(res.headers.get('retry-after'));
      const wait = res.headers.has('retry-after') && Number.isFinite(retryAfter) ? retryAfter * 1000 : backoff(o.baseDelayMs, attempt);
      if (wait > MAX_WAIT_MS) return res;
      await res.body?.cancel();
      await sleep(wait);
    }
  };
}

function backoff(base: number, attempt: number): number {
  const exp = base * 2 ** (attempt - 1);
  return exp / 2 + Math.random() * (exp / 2);
}
