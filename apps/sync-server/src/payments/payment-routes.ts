// /api/v1/payments: fans pay (subscription, pay-per-view, tip) with an optional Idempotency-Key header;
// creators refund payments they received.
import { z } from 'zod';
import { idempotencyKeyFrom } from '../ledger/idempotency.js';
import { paymentBodySchema, paymentResultSchema, refundBodySchema, reversalResultSchema } from './payment-schemas.js';
import type { PaymentService } from './payment-service.js';
import { gatewayNotificationSchema, notificationSignatureProblem } from './gateway-notifications.js';
import { ApiError } from '../errors.js';
import type { IdParam, RouteTable } from '../http/routes.js';

const paymentId: IdParam = { pattern: /^pay_[0-9a-z]{26}$/, noun: 'payment id' };

export function paymentRoutes(routes: RouteTable, payments: PaymentService, gatewaySecret: string): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/payments/gateway-notifications',
    summary: 'Signed notifications from the payment gateway (chargebacks): reverse the transfers and revoke access',
    tag: 'payments',
    access: 'public',
    body: gatewayNotificationSchema,
    response: z.object({ notificationId: z.string(), paymentId: z.string(), status: z.string(), duplicate: z.boolean() }),
    handler: async ({ body, req }) => {
      const problem = notificationSignatureProblem(req.body, req.headers, gatewaySecret);
      if (problem) throw new ApiError('INVALID_SIGNATURE', `The gateway notification is not signed correctly: ${problem}.`);
      return payments.chargebackFromGateway(body);
    },
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/payments',
    summary: 'Pay for a subscription tier, a pay-per-view post or a tip (Idempotency-Key header recommended)',
    tag: 'payments',
    access: 'fan',
    body: paymentBodySchema,
    response: paymentResultSchema,
    status: 201,
    handler: async ({ body, user, req }) => payments.pay(user, body, idempotencyKeyFrom(req.headers)),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/payments/:id/refund',
    summary: 'Refund a payment you received: reverses its transfers and revokes what it bought',
    tag: 'payments',
    access: 'creator',
    body: refundBodySchema,
    idParam: paymentId,
    response: reversalResultSchema,
    handler: async ({ user, id }) => payments.reverse(id, 'refund', { creatorId: user.id }),
  });
}
