// What payments need from the VR feature to sell a ticket (vr/ticket-sales.ts implements it): the price,
// a seat held around the charge, the ticket written in the payment's transaction, and its revocation in a
// refund's. An interface, so payments does not depend on the VR feature's internals.
import type { Money, VrTicket } from '@fanz/core';
import type { Queryable } from '../db/database.js';

export interface VrTicketSeats {
  /** The experience's seller and ticket price; throws ApiError when it is not sold. */
  price(experienceId: string): Promise<{ id: string; creatorId: string; price: Money }>;
  /** Before charging: holds a seat or throws (409 SOLD_OUT, 409 CONFLICT for a second ticket). */
  hold(experienceId: string, fanId: string, paymentId: string): Promise<unknown>;
  /** In the payment's transaction: the held seat becomes the ticket. */
  confirm(tx: Queryable, paymentId: string): Promise<VrTicket>;
  /** The payment did not complete: gives the seat back. */
  release(paymentId: string): Promise<void>;
  /** In a refund's or chargeback's transaction: the ticket stops admitting. */
  refunded(tx: Queryable, paymentId: string): Promise<void>;
}
