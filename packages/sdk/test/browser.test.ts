// The SDK in a browser: bundled by esbuild (no Node built-ins may be needed), loaded into Chromium, it
// reads a creator with an API key from the real server, gets a typed FanzError, and verifies a Standard
// Webhooks signature made here with node:crypto, using the browser's WebCrypto.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as SdkModule from '../src/index.js';
import { apiKey, party, startFanz } from './server.js';

const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE || '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM}; apt-get install chromium, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE`;
if (skip) console.warn(`[sdk browser test] skipped: ${skip}`);

describe.skipIf(!!skip)('@fanz/sdk in Chromium', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  let browser: Browser;
  const after: (() => Promise<void>)[] = [];
  beforeAll(async () => {
    fanz = await startFanz();
    browser = await chromium.launch({ executablePath: CHROMIUM });
  });
  afterAll(async () => {
    for (const f of after) await f();
    await browser?.close();
    await fanz?.close();
  });

  it('reads with an API key, throws typed errors and verifies webhooks with WebCrypto', async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      format: 'iife',
      globalName: 'Fanz',
      platform: 'browser',
      write: false,
    });
    const creator = await party(fanz.s.url, 'creator');
    const key = await apiKey(fanz.s.url, creator, ['read:catalog']);
    const secret = 'whsec_' + randomBytes(32).toString('base64');
    const body = JSON.stringify({ type: 'payment.completed', data: { paymentId: 'pay_x' } });
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`msg_1.${ts}.${body}`).digest('base64');

    const page = await browser.newPage();
    // The app is served from another loopback port than the API: a cross-origin call, as from a real web
    // app, so the server's CORS answer (and exposed headers) is part of what is tested.
    const app: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>app</title>'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    after.push(() => new Promise((r) => app.close(() => r())));
    await page.goto(`http://127.0.0.1:${(app.address() as AddressInfo).port}/`);
    await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
    const result = await page.evaluate(
      async ({ url, key, username, secret, body, ts, sig }) => {
        const { FanzSDK, FanzError } = (globalThis as unknown as { Fanz: typeof SdkModule }).Fanz;
        const sdk = new FanzSDK({ apiKey: key, baseUrl: url, webhookSecret: secret });
        const profile = await sdk.creators.get(username);
        const err = await sdk.payments.balance().catch((e: unknown) => e);
        const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
        const event = await sdk.webhooks.verify<{ type: string }>(body, headers);
        const tampered = await sdk.webhooks.verify(body + ' ', headers).then(() => 'accepted', (e: Error) => e.name);
        return {
          username: profile.username,
          error: err instanceof FanzError ? { code: err.code, status: err.status, requestId: err.requestId } : String(err),
          type: event.type,
          tampered,
        };
      },
      { url: fanz.s.url, key, username: creator.username, secret, body, ts, sig },
    );
    expect(result).toEqual({
      username: creator.username,
      error: { code: 'FORBIDDEN', status: 403, requestId: expect.stringMatching(/^req_/) },
      type: 'payment.completed',
      tampered: 'FanzWebhookError',
    });
  });
});
