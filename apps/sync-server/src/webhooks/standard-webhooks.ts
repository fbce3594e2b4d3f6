// Signing per the Standard Webhooks specification (standardwebhooks.com): the signed content is
// `${webhook-id}.${webhook-timestamp}.${body}`, the MAC is HMAC-SHA256 keyed with the secret's bytes, and the
// header is `v1,<base64 MAC>`. The secret is "whsec_" + base64; like the reference libraries we base64-decode
// what follows the prefix. A secret that is not base64 is used as its UTF-8 bytes (documented fallback,
// mirrored by verifyWebhook in @fanz/core).
import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function webhookKey(secret: string): Buffer {
  const body = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  if (body.length % 4 === 0 && BASE64.test(body)) {
    const key = Buffer.from(body, 'base64');
    if (key.toString('base64') === body) return key;
  }
  return Buffer.from(secret, 'utf8');
}

export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export function signWebhook(id: string, timestampSeconds: number, body: string, secret: string): SignedHeaders {
  const mac = createHmac('sha256', webhookKey(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${mac}` };
}
