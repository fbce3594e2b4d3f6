// A global bound on password hashing. scrypt at the OWASP parameters costs ~100 ms of CPU and 128 MiB per
// call, so unbounded concurrent logins (even for unknown emails, which still hash for constant timing)
// stall the whole server. At most `concurrency` hashes run at once; up to `queue` more wait in order; a
// request beyond that is refused at once with 503 SERVER_BUSY and a Retry-After estimated from recent
// hash times, instead of piling up. One client address may also have at most `perClient` hashes running or
// waiting (429 beyond that), so a single attacker cannot fill the queue that everyone's sign-in shares.
// That per-client count is shared by all instances with REDIS_URL (hash-client-slots.ts).
import { ApiError } from '../errors.js';
import { LocalHashClientSlots, type HashClientSlots } from './hash-client-slots.js';

export class HashLimiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Moving average of one hash's wall time, for Retry-After. */
  private avgMs = 150;

  constructor(
    private readonly concurrency: number,
    private readonly queue: number,
    private readonly perClient = Infinity,
    private readonly slots: HashClientSlots = new LocalHashClientSlots(),
  ) {}

  /** Runs `hash` within the limits; `client` (an IP) is held to its own share. */
  async run<T>(hash: () => Promise<T>, client?: string): Promise<T> {
    if (client === undefined || this.perClient === Infinity) return this.runGlobal(hash);
    const slot = await this.slots.acquire(client, this.perClient);
    if (slot === 'refused') {
      throw new ApiError('RATE_LIMITED', 'Too many sign-ins from your address at once; try again in a second.', { retryAfterSeconds: 1 }, { 'retry-after': '1' });
    }
    try {
      return await this.runGlobal(hash);
    } finally {
      if (slot === 'taken') await this.slots.release(client).catch(() => {}); // a lost one expires with the key's TTL
    }
  }

  private async runGlobal<T>(hash: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        const seconds = Math.max(1, Math.ceil((this.avgMs * (this.waiting.length + this.running)) / this.concurrency / 1000));
        throw new ApiError('SERVER_BUSY', 'Too many sign-ins are being checked right now; try again shortly.', { retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    const started = Date.now();
    try {
      return await hash();
    } finally {
      this.avgMs = this.avgMs * 0.8 + (Date.now() - started) * 0.2;
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
