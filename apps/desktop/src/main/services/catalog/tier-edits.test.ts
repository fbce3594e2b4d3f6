import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { saveTier, tiersOf } from './tier-edits.js';

describe('tiers edited in the studio', () => {
  it('creates and updates tiers in the catalog document, active and cheapest first', () => {
    const doc = new Y.Doc();
    const creator = 'cr_01h00000000000000000000000';
    const fan = saveTier(doc, creator, { name: 'Fan', price: { amount: 999, currency: 'USD' }, interval: 'month', benefits: ['Full clips'], active: true });
    saveTier(doc, creator, { name: 'Supporter', price: { amount: 499, currency: 'USD' }, interval: 'month', benefits: [], active: true });
    expect(tiersOf(doc).map((t) => t.name)).toEqual(['Supporter', 'Fan']);
    saveTier(doc, creator, { id: fan.id, name: 'Fan club', price: { amount: 999, currency: 'USD' }, interval: 'year', benefits: [], active: false });
    expect(tiersOf(doc).map((t) => [t.name, t.interval, t.active])).toEqual([
      ['Supporter', 'month', true],
      ['Fan club', 'year', false],
    ]);
    expect(() => saveTier(doc, creator, { id: 'tier_nope', name: 'x', price: { amount: 1, currency: 'USD' }, interval: 'month' })).toThrow(/no longer exists/);
    expect(tiersOf(null)).toEqual([]);
  });
});
