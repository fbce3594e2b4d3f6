// Standard Webhooks verification (https://www.standardwebhooks.com) with WebCrypto only, so it runs in
// Node 20+, browsers and edge runtimes: the signed content is `${webhook-id}.${webhook-timestamp}.${body}`,
// HMAC-SHA256 keyed with the base64 part of the `whsec_` secret; `webhook-signature` holds space-separated
// `v1,<base64>` entries; timestamps more than `toleranceSeconds` from now are refused (replays).
import { FanzWebhookError } from './errors.js';

export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const rec = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Checks a delivery and returns its parsed JSON body; throws FanzWebhookError otherwise. */
export async function verifyWebhook<T = unknown>(
  secret: string,
  body: string | Uint8Array,
  headers: WebhookHeaders,
  o: { toleranceSeconds?: number; now?: Date } = {},
): Promise<T> {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !ts || !signatures) throw new FanzWebhookError('The webhook-id, webhook-timestamp and webhook-signature headers are required.');
  const seconds = Number(ts);
  const now = (o.now ?? new Date()).getTime() / 1000;
  if (!/^\d+$/.test(ts) || Math.abs(now - seconds) > (o.toleranceSeconds ?? 300)) {
    throw new FanzWebhookError('The webhook timestamp is missing or too far from now (a replay or a wrong clock).');
  }
  let keyBytes: Uint8Array;
  try {
    keyBytes = fromBase64(secret.startsWith('whsec_') ? secret.slice(6) : secret);
  } catch {
    throw new FanzWebhookError('The webhook secret is not "whsec_" followed by base64.');
  }
  const bodyText = typeof body === 'string' ? body : new TextDecoder().decode(body);
  const key = await crypto.subtle.importKey('raw', keyBytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const signed = new TextEncoder().encode(`${id}.${ts}.${bodyText}`);
  for (const entry of signatures.split(' ')) {
    const [version, sig] = entry.split(',');
    if (version !== 'v1' || !sig) continue;
    let given: Uint8Array;
    try {
      given = fromBase64(sig);
    } catch {
      continue;
    }
    // subtle.verify compares in constant time.
    if (await crypto.subtle.verify('HMAC', key, given as BufferSource, signed)) {
      try {
        return JSON.parse(bodyText) as T;
      } catch {
        throw new FanzWebhookError('The webhook body is signed but is not JSON.');
      }
    }
  }
  throw new FanzWebhookError('No webhook signature matches this body and secret.');
}
