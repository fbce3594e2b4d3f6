// The SDK's analytics namespace against a real server: a fan pays a tip and the creator's API key reads
// it back through getCreatorInsights, rollups and rollupsCsv; another creator's numbers and a key without
// read:analytics are refused with typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanzError, FanzSDK } from '../src/index.js';
import { api, apiKey, party, startFanz, type Party } from './server.js';

describe('FanzSDK analytics', () => {
  let fanz: Awaited<ReturnType<typeof startFanz>>;
  let url: string;
  let creator: Party;
  let other: Party;
  let sdk: FanzSDK;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    fanz = await startFanz();
    url = fanz.s.url;
    const fan = await party(url, 'fan');
    [creator, other] = await Promise.all([party(url, 'creator'), party(url, 'creator')]);
    const tip = await new FanzSDK({ accessToken: fan.accessToken, baseUrl: url }).payments.create({
      tip: { creatorId: creator.id, amount: { amount: 1234, currency: 'EUR' } },
      paymentMethod: { type: 'test_card', cardToken: 'tok_visa_success' },
    });
    expect(tip.payment.status).toBe('completed');
    sdk = new FanzSDK({ apiKey: await apiKey(url, creator, ['read:analytics']), baseUrl: url });
  });
  afterAll(async () => fanz?.close());

  it('reads the creator insights the tip made', async () => {
    const i = await sdk.analytics.getCreatorInsights({ creator_id: creator.id, date_range: 'last_7_days', metrics: ['revenue'] });
    expect(i.currency).toBe('EUR');
    expect(i.revenue_analytics?.total_revenue).toEqual({ amount: 1234, currency: 'EUR' });
    expect(i.revenue_analytics?.top_revenue_sources).toEqual([{ source: 'tips', amount: { amount: 1234, currency: 'EUR' }, percentage: 100 }]);
    expect(i).not.toHaveProperty('engagement_metrics');
  });

  it('reads the rollups as JSON and CSV', async () => {
    const r = await sdk.analytics.rollups({ from: today, to: today });
    expect(r.rows).toEqual([{ day: today, source: 'tips', currency: 'EUR', events: 1, amount: 1234, creator_net: expect.any(Number), reversals: 0, reversed_amount: 0, reversed_net: 0 }]);
    const csv = await sdk.analytics.rollupsCsv({ from: today, to: today });
    expect(csv.split('\r\n')[1]).toBe(`${today},tips,EUR,1,1234,${r.rows[0]!.creator_net},0,0,0`);
  });

  it('refuses another creator, a key without read:analytics and an inverted range with typed errors', async () => {
    const forbidden = (await sdk.analytics.getCreatorInsights({ creator_id: other.id }).catch((e: unknown) => e)) as FanzError;
    expect(forbidden).toBeInstanceOf(FanzError);
    expect(forbidden).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const narrow = new FanzSDK({ apiKey: await apiKey(url, creator, ['read:catalog']), baseUrl: url });
    const scope = (await narrow.analytics.rollupsCsv({ from: today, to: today }).catch((e: unknown) => e)) as FanzError;
    expect(scope).toMatchObject({ code: 'FORBIDDEN', status: 403, details: { requiredScope: 'read:analytics' } });
    const inverted = (await sdk.analytics.rollups({ from: today, to: '2020-01-01' }).catch((e: unknown) => e)) as FanzError;
    expect(inverted).toMatchObject({ code: 'VALIDATION_ERROR', status: 400 });
    expect(inverted.message).toMatch(/inverted/);
    expect((await api(url, 'GET', '/api/v1/openapi.json')).body.paths).toHaveProperty(['/api/v1/analytics/creator-insights']);
  });
});
