// Receiver-side check of a webhook sent per the Standard Webhooks specification (standardwebhooks.com):
// headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature` (space-separated
// `v1,<base64 HMAC-SHA256>` entries, any of which may match), signed content `${id}.${timestamp}.${body}`.
// The key is the base64 after the "whsec_" prefix, as in the reference libraries; a secret that is not
// base64 is used as its UTF-8 bytes (the FANZ server signs the same way). Timestamps outside the tolerance
// (default 5 minutes either way) are rejected against replays. Never throws; pure JS (@noble/hashes).
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, fromBase64, fromUtf8, utf8 } from './encoding';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Allowed clock difference in seconds (default 300). */
  toleranceSeconds?: number;
  /** Current time in milliseconds (tests). */
  now?: number;
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number; payload: unknown }
  | { ok: false; reason: string };

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

/** The HMAC key for a webhook secret. */
export function webhookSecretKey(secret: string): Uint8Array {
  const body = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  if (body.length > 0 && body.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    try {
      return fromBase64(body);
    } catch {
      // not canonical base64: fall through to the UTF-8 bytes
    }
  }
  return utf8(secret);
}

export function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookVerification {
  try {
    const id = header(headers, 'webhook-id');
    const ts = header(headers, 'webhook-timestamp');
    const sigs = header(headers, 'webhook-signature');
    if (!id || !ts || !sigs) return { ok: false, reason: 'missing webhook-id, webhook-timestamp or webhook-signature header' };
    if (!/^[0-9]{1,12}$/.test(ts)) return { ok: false, reason: 'webhook-timestamp is not a Unix time in seconds' };
    const timestamp = Number(ts);
    const now = Math.floor((options.now ?? Date.now()) / 1000);
    const tolerance = options.toleranceSeconds ?? 300;
    if (Math.abs(now - timestamp) > tolerance) return { ok: false, reason: 'webhook-timestamp is outside the allowed tolerance' };
    const body = typeof payload === 'string' ? payload : fromUtf8(payload);
    const expected = hmac(sha256, webhookSecretKey(secret), utf8(`${id}.${ts}.${body}`));
    for (const part of sigs.split(' ')) {
      const [version, sig] = part.split(',', 2);
      if (version !== 'v1' || !sig) continue;
      let given: Uint8Array;
      try {
        given = fromBase64(sig);
      } catch {
        continue;
      }
      if (bytesEqual(given, expected)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body);
        } catch {
          return { ok: false, reason: 'payload is not JSON' };
        }
        return { ok: true, id, timestamp, payload: parsed };
      }
    }
    return { ok: false, reason: 'no webhook-signature matches' };
  } catch (e) {
    return { ok: false, reason: `invalid input: ${(e as Error).message}` };
  }
}
