// Runs examples/integration.ts as its own process (tsx) against a real server: with an API key it reads the
// creator, the catalog and the revenue insights a fan's tip made, is told FORBIDDEN for the balance (the key
// lacks read:finance), and verifies a real payment.completed delivery on its own webhook endpoint.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanzSDK } from '../src/index.js';
import { api, apiKey, party, startFanz, tier } from './server.js';

describe('examples/integration.ts', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  beforeAll(async () => {
    fanz = await startFanz();
  });
  afterAll(async () => fanz?.close());

  it('runs against the real server', async () => {
    const url = fanz.s.url;
    const creator = await party(url, 'creator');
    const tierId = await tier(url, creator);
    // A fan's tip before the example runs: its insights step must report it.
    const tipper = await party(url, 'fan');
    await new FanzSDK({ accessToken: tipper.accessToken, baseUrl: url }).payments.create({ tip: { creatorId: creator.id, amount: { amount: 1234, currency: 'EUR' } }, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } });
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../examples/integration.ts', import.meta.url))], {
      env: {
        ...process.env,
        FANZ_BASE_URL: url,
        FANZ_API_KEY: await apiKey(url, creator, ['read:catalog', 'read:analytics', 'manage:webhooks']),
        FANZ_CREATOR: creator.username,
        FANZ_WEBHOOK_SECRET: secret,
        FANZ_WEBHOOK_PORT: '0',
        FANZ_WEBHOOK_COUNT: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: { step: string; value: Record<string, unknown> }[] = [];
    let stderr = '';
    let buffered = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const listening = new Promise<number>((resolve) =>
      child.stdout.on('data', (c: Buffer) => {
        buffered += c.toString();
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = JSON.parse(buffered.slice(0, nl));
          buffered = buffered.slice(nl + 1);
          lines.push(line);
          if (line.step === 'listening') resolve(line.value.port);
        }
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const port = await Promise.race([listening, exited.then((code) => Promise.reject(new Error(`example exited ${code}: ${stderr}`)))]);

    const reg = await api(url, 'POST', '/api/v1/webhooks', { url: `http://127.0.0.1:${port}/hooks`, events: ['payment.completed'], secret }, { authorization: `Bearer ${creator.accessToken}` });
    expect(reg.status).toBe(201);
    const fan = await party(url, 'fan');
    await new FanzSDK({ accessToken: fan.accessToken, baseUrl: url }).payments.create({ subscriptionId: tierId, paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' } });

    expect(await exited, stderr).toBe(0);
    const step = (name: string) => lines.find((l) => l.step === name)?.value;
    expect(step('creator')).toEqual({ id: creator.id, username: creator.username, displayName: 'SDK creator' });
    expect(step('catalog')).toEqual({ posts: 0, tiers: 1 });
    expect(step('insights')).toEqual({ revenue: { amount: 1234, currency: 'EUR' }, sources: ['tips'] });
    expect(step('balance-refused')).toMatchObject({ code: 'FORBIDDEN', status: 403, requestId: expect.stringMatching(/^req_/) });
    expect(step('webhook')).toMatchObject({ type: 'payment.completed' });
    expect(step('webhook-refused')).toBeUndefined();
  });
});
