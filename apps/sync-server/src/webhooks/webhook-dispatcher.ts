// Delivers the webhook outbox. Due deliveries are claimed with FOR UPDATE SKIP LOCKED (several instances
// can run dispatchers on one database), and the claim pushes next_attempt_at forward as a lease, so a
// delivery whose dispatcher died is retried after the lease runs out. Failures are retried with
// exponential backoff and jitter up to maxAttempts; every attempt is logged. Secrets are never logged.
import { request as httpRequest, type Agent } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import { backoffDelay } from '../payments/retry.js';
import { deliveryAgents, isRefusedDestination, REFUSED_DESTINATION, type AddressPolicy } from './address-policy.js';
import { signWebhook } from './standard-webhooks.js';

export interface WebhookDispatchOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  timeoutMs: number;
  pollMs: number;
}

interface Claimed {
  id: string;
  attempts: number;
  event_id: string;
  payload: string;
  url: string;
  secret: string;
}

const BATCH = 20;

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Earliest retry scheduled during the current pass. */
  private wakeIn = Infinity;
  private readonly agents: { http: Agent; https: Agent };

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly options: WebhookDispatchOptions,
    policy: AddressPolicy = { allowLoopback: false },
  ) {
    this.agents = deliveryAgents(policy);
  }

  start(): void {
    this.schedule(0);
  }

  /** Runs a pass soon (after a commit that wrote to the outbox). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.pass()
        .catch((err) => this.log.error({ err }, 'webhook dispatch pass failed'))
        .finally(() => {
          this.running = null;
          const soon = this.again;
          const wake = this.wakeIn;
          this.again = false;
          this.wakeIn = Infinity;
          this.schedule(soon ? 0 : Math.min(wake, this.options.pollMs));
        });
    }, ms);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const leaseMs = this.options.timeoutMs + 30_000;
      const claimed = await this.db.query<Claimed>(
        `UPDATE webhook_deliveries d
            SET next_attempt_at = now() + ($1::int * interval '1 millisecond'), attempts = d.attempts + 1, updated_at = now()
           FROM webhook_events ev, webhook_endpoints ep
          WHERE d.id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
                          ORDER BY next_attempt_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
            AND ev.id = d.event_id AND ep.id = d.endpoint_id
         RETURNING d.id, d.attempts, ev.id AS event_id, ev.payload, ep.url, ep.secret`,
        [leaseMs],
      );
      if (claimed.length === 0) return;
      await Promise.all(claimed.map((c) => this.deliver(c)));
      if (claimed.length < BATCH) return;
    }
  }

  /**
   * One POST through the filtering agents (node:http, not fetch: the agent's own DNS lookup is what is
   * checked, so rebinding cannot slip past). Redirects are not followed. Resolves with the status code.
   */
  private post(url: string, headers: Record<string, string>, body: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const secure = url.startsWith('https:');
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method: 'POST',
        agent: secure ? this.agents.https : this.agents.http,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: this.options.timeoutMs,
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })));
      req.on('error', reject);
      req.end(body);
    });
  }

  private async deliver(c: Claimed): Promise<void> {
    const started = Date.now();
    const headers = signWebhook(c.event_id, Math.floor(started / 1000), c.payload, c.secret);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      statusCode = await this.post(c.url, { ...headers, 'content-type': 'application/json', 'user-agent': 'fanz-webhooks/1' }, c.payload);
      if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
    } catch (err) {
      if (isRefusedDestination(err)) error = REFUSED_DESTINATION;
      else error = (err as Error).name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : `request failed: ${(err as Error).message}`;
    }
    const duration = Date.now() - started;
    await this.db.query(
      'INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5)',
      [c.id, c.attempts, statusCode, error, duration],
    );
    if (error === null) {
      await this.db.query(`UPDATE webhook_deliveries SET status = 'succeeded', last_error = NULL, updated_at = now() WHERE id = $1`, [c.id]);
      return;
    }
    if (c.attempts >= this.options.maxAttempts) {
      await this.db.query(`UPDATE webhook_deliveries SET status = 'failed', last_error = $2, updated_at = now() WHERE id = $1`, [c.id, error]);
      this.log.warn({ delivery: c.id, attempts: c.attempts, error }, 'webhook delivery gave up');
      return;
    }
    // Never sooner than the base delay, so a failing receiver is not hammered.
    const delay = this.options.retryBaseMs + backoffDelay(c.attempts, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs });
    await this.db.query(
      `UPDATE webhook_deliveries SET next_attempt_at = now() + ($2::int * interval '1 millisecond'), last_error = $3, updated_at = now() WHERE id = $1`,
      [c.id, delay, error],
    );
    this.wakeIn = Math.min(this.wakeIn, delay);
  }
}
