import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, webhookSecretKey } from './webhook-verify';

// The example from the Standard Webhooks specification / reference libraries.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const ts = '1614265330';
const body = '{"test": 2432232314}';
const sig = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const now = Number(ts) * 1000;

describe('verifyWebhook (Standard Webhooks)', () => {
  it('accepts the specification example', () => {
    const headers = { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig };
    expect(verifyWebhook(body, headers, secret, { now })).toEqual({ ok: true, id, timestamp: Number(ts), payload: { test: 2432232314 } });
    expect(verifyWebhook(new TextEncoder().encode(body), new Headers(headers), secret, { now }).ok).toBe(true);
  });

  it('agrees with an HMAC computed by node:crypto and accepts any matching signature in the list', () => {
    const key = Buffer.from(secret.slice(6), 'base64');
    expect(Buffer.from(webhookSecretKey(secret)).equals(key)).toBe(true);
    const mine = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest('base64');
    expect(`v1,${mine}`).toBe(sig);
    const headers = { 'Webhook-Id': id, 'Webhook-Timestamp': ts, 'Webhook-Signature': `v1,AAAA v2,xyz ${sig}` };
    expect(verifyWebhook(body, headers, secret, { now }).ok).toBe(true);
  });

  it('rejects tampering, replays, other secrets and garbage with reasons', () => {
    const headers = { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': sig };
    expect(verifyWebhook(body + ' ', headers, secret, { now })).toEqual({ ok: false, reason: 'no webhook-signature matches' });
    expect(verifyWebhook(body, { ...headers, 'webhook-id': 'msg_other' }, secret, { now }).ok).toBe(false);
    expect(verifyWebhook(body, headers, 'whsec_' + Buffer.alloc(24, 1).toString('base64'), { now }).ok).toBe(false);
    expect(verifyWebhook(body, headers, secret, { now: now + 301_000 })).toEqual({ ok: false, reason: 'webhook-timestamp is outside the allowed tolerance' });
    expect(verifyWebhook(body, { ...headers, 'webhook-timestamp': '16e8' }, secret, { now }).ok).toBe(false);
    expect(verifyWebhook(body, { 'webhook-id': id }, secret, { now }).ok).toBe(false);
    expect(verifyWebhook(body, { ...headers, 'webhook-signature': 'v1,!!!' }, secret, { now }).ok).toBe(false);
    expect(verifyWebhook(new Uint8Array([0xff]), headers, secret, { now }).ok).toBe(false);
  });
});
