// Runs an async pass now and then again `pollMs` after each pass ends (never overlapping itself), until
// stopped; stop() waits for a pass in flight. A failed pass is logged and the loop goes on. The money
// loops (payout driving, payout schedules, subscription renewals) each run one.
import type { Logger } from 'pino';

export class PeriodicPass {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private isStopped = true;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly o: { pollMs: number; logger: Logger; failure: string },
  ) {}

  /** True before start() and after stop(): a long pass may check it between batches and end early. */
  get stopped(): boolean {
    return this.isStopped;
  }

  start(): void {
    this.isStopped = false;
    const loop = () => {
      if (this.isStopped) return;
      this.running = this.pass().catch((err: unknown) => this.o.logger.error({ err }, this.o.failure));
      void this.running.finally(() => {
        this.running = null;
        if (this.isStopped) return;
        this.timer = setTimeout(loop, this.o.pollMs);
        this.timer.unref();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
