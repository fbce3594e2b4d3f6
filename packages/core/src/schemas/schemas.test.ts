import { describe, expect, it } from 'vitest';
import { newId } from '../ids';
import {
  createTierBodySchema,
  createWebhookBodySchema,
  creatorSchema,
  paymentRequestSchema,
  payoutRequestSchema,
  postSchema,
  vrExperienceSchema,
  webhookEventSchema,
} from './index';

const now = '2030-01-02T10:00:00.000Z';
const creatorId = newId('cr');
const basePost = {
  id: newId('post'),
  creatorId,
  title: 'Behind the scenes',
  visibility: 'free',
  status: 'draft',
  createdAt: now,
  updatedAt: now,
};

function messages(r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] {
  return r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
}

describe('domain schemas', () => {
  it('fill defaults for a minimal post and normalise tags', () => {
    const p = postSchema.parse({ ...basePost, tags: [' BTS ', 'Été'] });
    expect(p).toMatchObject({ description: '', media: [], price: null, scheduledAt: null, tags: ['bts', 'été'] });
  });

  it('enforce the post rules: ppv needs a price, scheduled needs a time, no markup', () => {
    expect(messages(postSchema.safeParse({ ...basePost, visibility: 'pay_per_view' }))).toEqual(['price: a pay-per-view post needs a price']);
    expect(messages(postSchema.safeParse({ ...basePost, price: { amount: 500, currency: 'USD' } }))).toEqual(['price: only pay-per-view posts have a price']);
    expect(messages(postSchema.safeParse({ ...basePost, status: 'scheduled' }))).toEqual(['scheduledAt: a scheduled post needs scheduledAt']);
    expect(messages(postSchema.safeParse({ ...basePost, title: '<script>x</script>' }))[0]).toMatch(/plain text/);
    expect(messages(postSchema.safeParse({ ...basePost, visibility: 'pay_per_view', price: { amount: 4.99, currency: 'USD' } }))[0]).toMatch(/integer/);
    expect(messages(postSchema.safeParse({ ...basePost, id: newId('tier') }))[0]).toBe('id: expected a post_ id');
    expect(messages(postSchema.safeParse({ ...basePost, createdAt: 'yesterday' }))[0]).toMatch(/ISO 8601/);
    expect(postSchema.safeParse({ ...basePost, visibility: 'pay_per_view', price: { amount: 499, currency: 'USD' } }).success).toBe(true);
  });

  it('validate creators, tiers and VR experiences', () => {
    expect(creatorSchema.parse({ id: creatorId, userId: newId('usr'), username: 'ana_b', displayName: 'Ana', createdAt: now }).bio).toBe('');
    expect(createTierBodySchema.parse({ name: 'Gold', price: { amount: 999, currency: 'USD' }, interval: 'month' }).benefits).toEqual([]);
    expect(createTierBodySchema.safeParse({ name: 'Gold', price: { amount: 0, currency: 'USD' }, interval: 'month' }).success).toBe(false);
    expect(createTierBodySchema.safeParse({ name: 'Gold', price: { amount: 999, currency: 'USD' }, interval: 'week' }).success).toBe(false);
    const vr = { id: newId('vr'), creatorId, title: 'Meetup', kind: 'meetup', startsAt: now, durationMinutes: 30, capacity: 10, visibility: 'subscribers', status: 'published', createdAt: now, updatedAt: now };
    expect(vrExperienceSchema.safeParse(vr).success).toBe(true);
    expect(vrExperienceSchema.safeParse({ ...vr, status: 'scheduled' }).success).toBe(false);
    expect(vrExperienceSchema.safeParse({ ...vr, capacity: 0 }).success).toBe(false);
  });

  it('accept exactly one payment target and a well-formed payout request', () => {
    const paymentMethod = { type: 'test_card', cardToken: 'tok_visa' };
    expect(paymentRequestSchema.safeParse({ subscriptionId: newId('tier'), paymentMethod }).success).toBe(true);
    expect(paymentRequestSchema.safeParse({ postId: newId('post'), paymentMethod }).success).toBe(true);
    expect(paymentRequestSchema.safeParse({ tip: { creatorId, amount: { amount: 500, currency: 'USD' } }, paymentMethod }).success).toBe(true);
    expect(paymentRequestSchema.safeParse({ postId: newId('post'), subscriptionId: newId('tier'), paymentMethod }).success).toBe(false);
    expect(paymentRequestSchema.safeParse({ tip: { creatorId, amount: { amount: -5, currency: 'USD' } }, paymentMethod }).success).toBe(false);
    const signed = { nonce: 'n0nce-0123456789abcdef', timestamp: now };
    expect(payoutRequestSchema.safeParse({ amount: { amount: 125000, currency: 'USD' }, method: 'paxum', schedule: 'immediate', ...signed }).success).toBe(true);
    expect(payoutRequestSchema.safeParse({ amount: { amount: 125000, currency: 'USD' }, method: 'paxum', schedule: 'weekly', ...signed }).success).toBe(true);
    expect(payoutRequestSchema.safeParse({ amount: { amount: 125000, currency: 'USD' }, method: 'cash', schedule: 'immediate', ...signed }).success).toBe(false);
    expect(payoutRequestSchema.safeParse({ amount: { amount: 125000, currency: 'USD' }, method: 'paxum', schedule: 'immediate' }).success).toBe(false);
  });

  it('validate webhook endpoints and events', () => {
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    expect(createWebhookBodySchema.safeParse({ url: 'https://example.com/hook', events: ['payment.completed'], secret }).success).toBe(true);
    expect(createWebhookBodySchema.safeParse({ url: 'ftp://example.com', events: ['payment.completed'], secret }).success).toBe(false);
    expect(createWebhookBodySchema.safeParse({ url: 'https://example.com', events: ['nope'], secret }).success).toBe(false);
    expect(createWebhookBodySchema.safeParse({ url: 'https://example.com', events: ['payment.completed'], secret: 'hunter2' }).success).toBe(false);
    expect(webhookEventSchema.safeParse({ id: newId('evt'), type: 'payout.paid', timestamp: now, data: { payoutId: newId('po') } }).success).toBe(true);
  });
});
