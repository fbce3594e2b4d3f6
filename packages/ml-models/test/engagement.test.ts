import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { EngagementModel, type NotEnoughHistory } from '../src/engagement/engagement-model.js';
import { predictRidge } from '../src/engagement/ridge.js';
import type { HistoryPost } from '../src/engagement/post-features.js';
import { prng } from './synthetic-images.js';

const TAGS = ['cosplay', 'bts', 'outdoor', 'lingerie', 'gym', 'q&a'];

/** Synthetic history with planted effects: Tuesday 18:00-23:59 earns 30% more; "cosplay" earns 20% more. */
function history(n: number, seed = 42, planted = true): HistoryPost[] {
  const rnd = prng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const start = Date.parse('2025-01-06T00:00:00Z');
  return Array.from({ length: n }, (_, i) => {
    const day = Math.floor(rnd() * 365);
    const hour = Math.floor(rnd() * 24);
    const at = new Date(start + day * 86_400_000 + hour * 3_600_000 + Math.floor(rnd() * 60) * 60_000);
    const type = rnd() < 0.6 ? 'video' : 'photo';
    const tags = TAGS.filter(() => rnd() < 0.3);
    const price = [499, 999, 1499][Math.floor(rnd() * 3)]!;
    let mult = 1;
    if (planted && at.getUTCDay() === 2 && hour >= 18) mult *= 1.3;
    if (planted && tags.includes('cosplay')) mult *= 1.2;
    if (type === 'video') mult *= 1.5;
    const noise = Math.exp(gauss() * 0.12);
    const views = Math.round(800 * mult * noise);
    const purchases = Math.round(views * 0.04);
    return {
      id: `p${i}`,
      type,
      durationSec: type === 'video' ? 60 + Math.floor(rnd() * 600) : 0,
      tags,
      price: { amount: price, currency: 'USD' },
      postedAt: at.toISOString(),
      quality: 0.5 + rnd() * 0.5,
      outcomes: { views, purchases, revenue: { amount: Math.round(20_000 * mult * noise), currency: 'USD' } },
    };
  });
}

const draft = { type: 'video' as const, durationSec: 300, tags: ['bts'], price: { amount: 999, currency: 'USD' }, postedAt: '2026-12-03T10:00:00Z' };

describe('engagement model', () => {
  it('finds the planted Tuesday-evening effect and the better tag in the creator\'s own history', async () => {
    const model = await EngagementModel.train(history(400));
    if (!(model instanceof EngagementModel)) throw new Error('expected a trained model');
    const r = await model.predict(draft);
    expect(r.best_posting_time?.weekday).toBe('Tuesday');
    expect(r.best_posting_time?.daypart).toBe('evening');
    expect(r.best_posting_time?.hours).toBe('18:00-23:59');
    expect(r.best_posting_time!.predictedRevenueUplift).toBeGreaterThan(0.15);
    expect(r.best_posting_time!.predictedRevenueUplift).toBeLessThan(0.5);
    const ev = r.best_posting_time!.evidence;
    expect(ev.meanRevenueInSlot / ev.meanRevenueElsewhere).toBeGreaterThan(1.15);
    expect(ev.zScore).toBeGreaterThan(2.9);
    expect(r.recommended_tags[0]?.tag).toBe('cosplay');
    expect(r.ai_insights[0]!.text).toMatch(/^Tuesday evening posts earned \+\d+% revenue/);
    // Interval brackets the estimate, and a Thursday-morning video draft lands near its planted value.
    const rev = r.predicted_engagement.revenue;
    expect(rev.low.amount).toBeLessThanOrEqual(rev.expected.amount);
    expect(rev.high.amount).toBeGreaterThanOrEqual(rev.expected.amount);
    expect(rev.expected.amount).toBeGreaterThan(20_000 * 1.5 * 0.85);
    expect(rev.expected.amount).toBeLessThan(20_000 * 1.5 * 1.15);
    expect(rev.expected.currency).toBe('USD');
    await model.close();
  });

  it('recommends no posting time and no tag when nothing was planted, and says why', async () => {
    const model = await EngagementModel.train(history(400, 42, false));
    if (!(model instanceof EngagementModel)) throw new Error('expected a trained model');
    const r = await model.predict(draft);
    expect(r.best_posting_time).toBeNull();
    expect(r.recommended_tags).toEqual([]);
    expect(r.ai_insights[0]!.text).toMatch(/^No posting time stands out in your history/);
    // The prediction itself still comes with its interval.
    expect(r.predicted_engagement.revenue.high.amount).toBeGreaterThan(r.predicted_engagement.revenue.low.amount);
    await model.close();
  });

  it('runs the exported ONNX model with onnxruntime and it equals the TypeScript fit', async () => {
    const model = await EngagementModel.train(history(60, 7));
    if (!(model instanceof EngagementModel)) throw new Error('expected a trained model');
    const session = await ort.InferenceSession.create(model.onnx);
    expect(session.inputNames).toEqual(['features']);
    const row = new Array<number>(model.featureNames.length).fill(0).map((_, i) => (i % 3 === 0 ? 1 : 0.25));
    const out = await session.run({ features: new ort.Tensor('float32', Float32Array.from(row), [1, row.length]) });
    const onnx = Array.from(out.log1p_outcomes!.data as Float32Array);
    predictRidge(model.ridge, row).forEach((v, k) => expect(onnx[k]).toBeCloseTo(v, 3));
    await session.release();
    await model.close();
  });

  it('says there is not enough history with 3 posts instead of predicting', async () => {
    const r = (await EngagementModel.train(history(3))) as NotEnoughHistory;
    expect(r.status).toBe('not_enough_history');
    expect(r.sampleSize).toBe(3);
    expect(r.message).toMatch(/Not enough history: 3 posts; predictions need at least 20/);
  });

  it('rejects malformed history with the post and field named', async () => {
    const bad = history(25);
    (bad[4] as { price: unknown }).price = { amount: 9.99, currency: 'USD' };
    await expect(EngagementModel.train(bad)).rejects.toThrow(/history post 4: price.amount/);
  });
});
