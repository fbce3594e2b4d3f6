// Retries an operation that can fail transiently, with exponential backoff and full jitter
// (delay = random(0, min(maxMs, baseMs * 2^attempt))), so that many clients retrying after one outage do
// not arrive in lockstep. Only results the caller marks retriable are retried.
export interface RetryOptions {
  /** Attempts in total, including the first. */
  attempts: number;
  baseMs: number;
  maxMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function backoffDelay(attempt: number, options: Pick<RetryOptions, 'baseMs' | 'maxMs' | 'random'>): number {
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.floor((options.random ?? Math.random)() * cap);
}

export async function withRetries<T>(
  run: (attempt: number) => Promise<T>,
  isRetriable: (result: T) => boolean,
  options: RetryOptions,
): Promise<{ result: T; attempts: number }> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let attempt = 0;
  for (;;) {
    const result = await run(attempt);
    attempt++;
    if (!isRetriable(result) || attempt >= options.attempts) return { result, attempts: attempt };
    await sleep(backoffDelay(attempt - 1, options));
  }
}
