// Notifications the payment gateway pushes to us (today: chargebacks, `charge.disputed`). They are signed
// like Standard Webhooks (headers webhook-id / webhook-timestamp / webhook-signature, HMAC-SHA256 with the
// gateway's notification secret) over the canonical JSON (RFC 8785) of the body, so the signature does not
// depend on how the JSON was spaced in transit. A timestamp more than 5 minutes off is refused (replay).
import { timingSafeEqual } from 'node:crypto';
import { canonicalJson, moneySchema } from '@fanz/core';
import { z } from 'zod';
import { signWebhook } from '../webhooks/standard-webhooks.js';

export const gatewayNotificationSchema = z.strictObject({
  id: z.string().regex(/^gwevt_[A-Za-z0-9]{8,64}$/),
  type: z.literal('charge.disputed'),
  chargeId: z.string().regex(/^[A-Za-z0-9_]{6,100}$/),
  amount: moneySchema,
  reason: z.string().regex(/^[a-z_]{1,40}$/),
  createdAt: z.iso.datetime({ offset: true }),
});
export type GatewayNotification = z.infer<typeof gatewayNotificationSchema>;

export const NOTIFICATION_MAX_SKEW_SECONDS = 300;

export function signGatewayNotification(n: GatewayNotification, secret: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  return signWebhook(n.id, nowSeconds, canonicalJson(n), secret);
}

/** Why the signature is not acceptable, or null when it verifies. `body` is the parsed JSON as received. */
export function notificationSignatureProblem(body: unknown, headers: Record<string, string | string[] | undefined>, secret: string, nowSeconds = Date.now() / 1000): string | null {
  const one = (h: string) => (Array.isArray(headers[h]) ? headers[h][0] : headers[h]);
  const id = one('webhook-id');
  const ts = one('webhook-timestamp');
  const sig = one('webhook-signature');
  if (!id || !ts || !sig) return 'missing webhook-id, webhook-timestamp or webhook-signature';
  if (!/^\d{1,12}$/.test(ts) || Math.abs(nowSeconds - Number(ts)) > NOTIFICATION_MAX_SKEW_SECONDS) return 'timestamp too far from the server clock';
  if (typeof body !== 'object' || body === null || (body as { id?: unknown }).id !== id) return 'webhook-id does not match the body';
  const expected = Buffer.from(signWebhook(id, Number(ts), canonicalJson(body), secret)['webhook-signature'].slice(3), 'base64');
  const ok = sig.split(' ').some((entry) => {
    const [version, mac] = entry.split(',');
    if (version !== 'v1' || !mac) return false;
    const given = Buffer.from(mac, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return ok ? null : 'signature does not verify';
}
