// /api/v1/finance: a creator's balance and payouts. Payout requests must carry a device signature.
import { z } from 'zod';
import { idempotencyKeyFrom } from '../ledger/idempotency.js';
import { balanceSchema, payoutRequestSchema, payoutScheduleSchema, payoutSchema } from '@fanz/core';
import type { PayoutSchedules } from './payout-schedules.js';
import type { PayoutService } from './payout-service.js';
import type { IdParam, RouteTable } from '../http/routes.js';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

const scheduleId: IdParam = { pattern: /^psch_[0-9a-z]{10,60}$/, noun: 'schedule id' };

export function payoutRoutes(routes: RouteTable, payouts: PayoutService, schedules: PayoutSchedules): void {
  routes.add({
    method: 'GET',
    url: '/api/v1/finance/payout-schedules',
    summary: "The calling creator's standing payout schedules (weekly, monthly)",
    tag: 'finance',
    access: 'creator',
    response: z.object({ schedules: z.array(payoutScheduleSchema) }),
    handler: async ({ user }) => ({ schedules: await schedules.list(user.id) }),
  });
  routes.add({
    method: 'DELETE',
    url: '/api/v1/finance/payout-schedules/:id',
    summary: 'Stop a standing payout schedule (payouts already requested go on)',
    tag: 'finance',
    access: 'creator',
    idParam: scheduleId,
    response: payoutScheduleSchema,
    handler: async ({ user, id }) => schedules.cancel(user.id, id),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/finance/balance',
    summary: "The calling creator's balance: available, in transit, paid out, lifetime earnings",
    tag: 'finance',
    access: 'creator',
    response: balanceSchema,
    handler: async ({ user }) => payouts.balance(user.id),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/finance/payouts',
    summary: 'Request a payout now (schedule "immediate") or set up a standing weekly/monthly one (body signed by a registered device key: fanz-key-id, fanz-signature)',
    tag: 'finance',
    access: 'creator',
    body: payoutRequestSchema,
    response: z.union([payoutSchema, payoutScheduleSchema]),
    status: 201,
    handler: async ({ body, user, req }) =>
      payouts.request(
        user.id,
        body,
        { keyId: header(req.headers['fanz-key-id']), signature: header(req.headers['fanz-signature']), rawBody: req.body },
        idempotencyKeyFrom(req.headers),
      ),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/finance/payouts',
    summary: "The calling creator's payouts, newest first",
    tag: 'finance',
    access: 'creator',
    response: z.object({ payouts: z.array(payoutSchema) }),
    handler: async ({ user }) => ({ payouts: await payouts.list(user.id) }),
  });
}
