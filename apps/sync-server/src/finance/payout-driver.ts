// Re-drives open payouts on a timer. A payout stays `requested`/`processing` when the server crashed after
// its hold or the processor was unreachable; PayoutService.drive records a transient failure with the next
// attempt time (exponential backoff, payouts.next_drive_at), and this loop drives whatever is due, so a
// payout finishes without a restart. Any instance may run it: drive() re-checks the status under a row
// lock and the processors are idempotent on the payout's reference.
import type { Logger } from 'pino';
import type { PayoutDriveOptions } from './money-options.js';
import type { PayoutService } from './payout-service.js';

export class PayoutDriver {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = true;

  constructor(
    private readonly payouts: PayoutService,
    private readonly logger: Logger,
    private readonly o: Pick<PayoutDriveOptions, 'pollMs'>,
  ) {}

  start(): void {
    this.stopped = false;
    const loop = () => {
      if (this.stopped) return;
      this.running = this.payouts.driveDue().catch((err: unknown) => {
        this.logger.error({ err }, 'payout drive pass failed');
        return 0;
      });
      void this.running.finally(() => {
        this.running = null;
        if (this.stopped) return;
        this.timer = setTimeout(loop, this.o.pollMs);
        this.timer.unref();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
