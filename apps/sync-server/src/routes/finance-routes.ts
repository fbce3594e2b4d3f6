// /api/v1/finance: a creator's balance and payouts. Payout requests must carry a device signature.
import { z } from 'zod';
import { idempotencyKeyFrom } from '../finance/idempotency.js';
import { balanceResultSchema, payoutBodySchema, payoutResultSchema } from '../finance/payout-schemas.js';
import type { PayoutService } from '../finance/payout-service.js';
import type { RouteTable } from '../http/routes.js';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function financeRoutes(routes: RouteTable, payouts: PayoutService): void {
  routes.add({
    method: 'GET',
    url: '/api/v1/finance/balance',
    summary: "The calling creator's balance: available, in transit, paid out, lifetime earnings",
    tag: 'finance',
    access: 'creator',
    response: balanceResultSchema,
    handler: async ({ user }) => payouts.balance(user.id),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/finance/payouts',
    summary: 'Request a payout (body signed by a registered device key: fanz-key-id, fanz-signature)',
    tag: 'finance',
    access: 'creator',
    body: payoutBodySchema,
    response: payoutResultSchema,
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
    response: z.object({ payouts: z.array(payoutResultSchema) }),
    handler: async ({ user }) => ({ payouts: await payouts.list(user.id) }),
  });
}
