// Seats and tickets. A paid ticket is sold in three steps around the card charge (payments/):
//   hold()    before charging, under a row lock on the experience: refuses a sold-out room (409 SOLD_OUT)
//             or a fan who already holds a ticket, else reserves a seat for a few minutes;
//   confirm() inside the payment's own transaction: the hold becomes an active ticket;
//   release() when the charge did not happen: the seat is free again.
// So concurrent buyers never take more seats than the room has, and nobody is charged without a seat.
// Tier holders get a free ticket (issueForTier) through the same seat count.
import { newId, type Money, type VrTicket } from '@fanz/core';
import type { Database, Queryable } from '../db/database.js';
import { ApiError } from '../errors.js';
import { SEATS_TAKEN_SQL, type Experience, type ExperienceStore } from './experience-store.js';
import type { TicketSigner } from './ticket-tokens.js';

/** How long a seat stays reserved while its card is charged (gateway retries included). */
export const HOLD_MS = 5 * 60_000;

export interface HeldSeat {
  ticketId: string;
  experience: Experience;
}

interface TicketRow {
  id: string;
  experience_id: string;
  fan_id: string;
  status: string;
  expires_at: Date | string;
  payment_id: string | null;
}

export class TicketSales {
  constructor(
    private readonly db: Database,
    private readonly experiences: ExperienceStore,
    private readonly signer: TicketSigner,
    private readonly clock: () => number,
  ) {}

  ticket(row: { id: string; experience_id: string; fan_id: string; expires_at: Date | string }): VrTicket {
    const expiresAt = new Date(row.expires_at).getTime();
    return {
      ticketId: row.id,
      token: this.signer.sign({ ticketId: row.id, experienceId: row.experience_id, userId: row.fan_id, expiresAt }),
      experienceId: row.experience_id,
      expiresAt: new Date(expiresAt).toISOString(),
    };
  }

  private async lockOpen(tx: Queryable, experienceId: string): Promise<Experience> {
    const e = await this.experiences.lock(tx, experienceId);
    if (!e) throw new ApiError('NOT_FOUND', `No VR experience ${experienceId}.`);
    if (e.status === 'cancelled') throw new ApiError('CONFLICT', 'This experience was cancelled; tickets are no longer sold.', { status: 'cancelled' });
    if (this.clock() >= e.endsAt) throw new ApiError('CONFLICT', 'This experience has ended.', { status: 'ended' });
    return e;
  }

  private async assertSeatFree(tx: Queryable, e: Experience, fanId: string): Promise<void> {
    const mine = await tx.query<TicketRow>(`SELECT * FROM vr_tickets WHERE experience_id = $1 AND fan_id = $2 AND status IN ('held', 'active')`, [e.id, fanId]);
    if (mine[0]) throw new ApiError('CONFLICT', 'You already hold a ticket for this experience.', { ticketId: mine[0].id, status: mine[0].status });
    const taken = Number((await tx.query<{ n: string | number }>(SEATS_TAKEN_SQL, [e.id]))[0]!.n);
    if (taken >= e.capacity) throw new ApiError('SOLD_OUT', `All ${e.capacity} seats of this experience are taken; nothing was charged.`, { capacity: e.capacity });
  }

  /** What a paid ticket costs, checked before any seat is held. */
  async price(experienceId: string): Promise<Experience & { price: Money }> {
    const e = await this.experiences.get(experienceId);
    if (!e) throw new ApiError('NOT_FOUND', `No VR experience ${experienceId}.`);
    if (e.status === 'cancelled') throw new ApiError('CONFLICT', 'This experience was cancelled; tickets are no longer sold.', { status: 'cancelled' });
    if (!e.price) {
      throw new ApiError('CONFLICT', 'This experience is not sold; holders of its tier get a free ticket from POST /api/v1/vr/experiences/:id/tickets.', {
        tierRequirement: e.tierRequirement,
      });
    }
    return e as Experience & { price: Money };
  }

  /** Reserves a seat for a payment about to be charged. Throws SOLD_OUT / CONFLICT before any charge. */
  async hold(experienceId: string, fanId: string, paymentId: string): Promise<HeldSeat> {
    return this.db.transaction(async (tx) => {
      const e = await this.lockOpen(tx, experienceId);
      await this.assertSeatFree(tx, e, fanId);
      const ticketId = newId('vrt');
      await tx.query(
        `INSERT INTO vr_tickets (id, experience_id, fan_id, source, status, payment_id, held_until, expires_at) VALUES ($1, $2, $3, 'purchase', 'held', $4, $5, $6)`,
        [ticketId, e.id, fanId, paymentId, new Date(this.clock() + HOLD_MS), new Date(e.endsAt)],
      );
      return { ticketId, experience: e };
    });
  }

  /**
   * In the payment's transaction: the held seat becomes the fan's ticket. A hold that outlived HOLD_MS is
   * honoured only if its seat is still free; otherwise this throws and the payment voids its charge.
   */
  async confirm(tx: Queryable, paymentId: string): Promise<VrTicket> {
    const rows = await tx.query<TicketRow & { held_until: Date | string | null }>(`SELECT * FROM vr_tickets WHERE payment_id = $1 AND status = 'held'`, [paymentId]);
    const t = rows[0];
    if (!t) throw new ApiError('CONFLICT', 'The seat reserved for this payment was released; nothing was charged.');
    const e = await this.lockOpen(tx, t.experience_id);
    if (t.held_until !== null && new Date(t.held_until).getTime() <= this.clock()) {
      const taken = Number((await tx.query<{ n: string | number }>(SEATS_TAKEN_SQL, [e.id]))[0]!.n);
      if (taken >= e.capacity) throw new ApiError('SOLD_OUT', 'The seat reservation lapsed and the room filled up; the charge is voided.');
    }
    await tx.query(`UPDATE vr_tickets SET status = 'active', held_until = NULL, updated_at = now() WHERE id = $1`, [t.id]);
    return this.ticket(t);
  }

  /** The charge did not happen (declined, unavailable, voided): the seat is free again. */
  async release(paymentId: string): Promise<void> {
    await this.db.query(`UPDATE vr_tickets SET status = 'released', held_until = NULL, updated_at = now() WHERE payment_id = $1 AND status = 'held'`, [paymentId]);
  }

  /** In a refund's or chargeback's transaction: the ticket bought with it stops admitting. */
  async refunded(tx: Queryable, paymentId: string): Promise<void> {
    await tx.query(`UPDATE vr_tickets SET status = 'refunded', updated_at = now() WHERE payment_id = $1 AND status IN ('active', 'held')`, [paymentId]);
  }

  /** A free ticket for a fan holding the experience's required tier (the same ticket again if they have one). */
  async issueForTier(experienceId: string, fanId: string): Promise<VrTicket> {
    const e0 = await this.experiences.get(experienceId);
    if (!e0) throw new ApiError('NOT_FOUND', `No VR experience ${experienceId}.`);
    if (!e0.tierRequirement) throw new ApiError('FORBIDDEN', 'This experience has no tier that gets in free; buy a ticket through POST /api/v1/payments.');
    const subs = await this.db.query(
      `SELECT 1 FROM subscriptions WHERE fan_id = $1 AND creator_id = $2 AND tier_id = $3 AND status = 'active' AND current_period_end > $4`,
      [fanId, e0.creatorId, e0.tierRequirement, new Date(this.clock())],
    );
    if (subs.length === 0) {
      throw new ApiError('FORBIDDEN', "A free ticket needs an active subscription to this experience's tier.", { tierRequirement: e0.tierRequirement, price: e0.price });
    }
    return this.db.transaction(async (tx) => {
      const e = await this.lockOpen(tx, experienceId);
      const mine = await tx.query<TicketRow>(`SELECT * FROM vr_tickets WHERE experience_id = $1 AND fan_id = $2 AND status = 'active'`, [e.id, fanId]);
      if (mine[0]) return this.ticket(mine[0]);
      await this.assertSeatFree(tx, e, fanId);
      const ticketId = newId('vrt');
      const rows = await tx.query<TicketRow>(
        `INSERT INTO vr_tickets (id, experience_id, fan_id, source, status, expires_at) VALUES ($1, $2, $3, 'tier', 'active', $4) RETURNING *`,
        [ticketId, e.id, fanId, new Date(e.endsAt)],
      );
      return this.ticket(rows[0]!);
    });
  }

  /** The fan's live ticket for an experience, if any (lets a client that lost the token get it again). */
  async mine(experienceId: string, fanId: string): Promise<VrTicket | null> {
    const rows = await this.db.query<TicketRow>(`SELECT * FROM vr_tickets WHERE experience_id = $1 AND fan_id = $2 AND status = 'active'`, [experienceId, fanId]);
    return rows[0] ? this.ticket(rows[0]) : null;
  }

  /** Paid tickets to refund and tier tickets to revoke when an experience is cancelled. */
  async liveTickets(experienceId: string): Promise<{ id: string; payment_id: string | null; status: string }[]> {
    return this.db.query(`SELECT id, payment_id, status FROM vr_tickets WHERE experience_id = $1 AND status IN ('active', 'held') ORDER BY id`, [experienceId]);
  }

  async revokeTierTickets(experienceId: string): Promise<number> {
    const rows = await this.db.query(`UPDATE vr_tickets SET status = 'revoked', updated_at = now() WHERE experience_id = $1 AND source = 'tier' AND status = 'active' RETURNING id`, [experienceId]);
    return rows.length;
  }
}
