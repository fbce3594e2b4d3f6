import { describe, expect, it } from 'vitest';
import { afterFees, currencyChoices, normalisePrice, parsePrice } from './price-input';

describe('price input', () => {
  it('accepts prices the way creators type them', () => {
    for (const [text, amount] of [
      ['$9.99', 999],
      ['9,99', 999],
      ['9.99', 999],
      ['€ 1.234,56', 123456],
      ['1,234.56', 123456],
      ['1,234', 123400],
      ['12', 1200],
      ['USD 4.50', 450],
    ] as const) {
      const r = parsePrice(text, 'USD');
      expect(r, text).toEqual({ ok: true, money: { amount, currency: 'USD' } });
    }
    expect(normalisePrice('9,5')).toBe('9.5');
  });

  it('says in words what is wrong', () => {
    expect(parsePrice('', 'USD')).toEqual({ ok: false, message: 'Enter a price, for example 9.99.' });
    expect(parsePrice('twelve', 'USD')).toMatchObject({ ok: false, message: expect.stringContaining('as a number') });
    expect(parsePrice('12.999', 'USD')).toEqual({ ok: false, message: 'USD prices have at most 2 decimals.' });
    expect(parsePrice('0', 'USD')).toEqual({ ok: false, message: 'A pay-per-view price must be more than zero.' });
    expect(parsePrice('9.5', 'JPY')).toMatchObject({ ok: false });
  });

  it('previews what the creator receives and lists the usual currency first', () => {
    expect(afterFees({ amount: 999, currency: 'USD' }, 'en-US')).toBe('$9.00');
    expect(currencyChoices('EUR')[0]).toBe('EUR');
    expect(currencyChoices(null)[0]).toBe('USD');
  });
});
