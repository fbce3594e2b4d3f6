// Re-drives open payouts on a timer. A payout stays `requested`/`processing` when the server crashed after
// its hold or the processor was unreachable; PayoutService.drive records a transient failure with the next
// attempt time (exponential backoff, payouts.next_drive_at), and this loop drives whatever is due, so a
// payout finishes without a restart. Any instance may run it: drive() re-checks the status under a row
// lock and the processors are idempotent on the payout's reference.
import type { Logger } from 'pino';
import type { PayoutDriveOptions } from '../money/money-options.js';
import type { PayoutService } from './payout-service.js';
import { PeriodicPass } from '../scheduler/periodic-pass.js';

export class PayoutDriver {
  private readonly loop: PeriodicPass;

  constructor(
    private readonly payouts: PayoutService,
    private readonly logger: Logger,
    private readonly o: Pick<PayoutDriveOptions, 'pollMs'>,
  ) {
    this.loop = new PeriodicPass(() => this.payouts.driveDue(), { pollMs: this.o.pollMs, logger: this.logger, failure: 'payout drive pass failed' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
