import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CURRENCY_CODES } from './currencies';
import { isCoreError } from './errors';
import {
  addMoney,
  formatMoney,
  formatMoneyLocale,
  money,
  moneySchema,
  nonNegativeMoneySchema,
  parseMoney,
  payoutFee,
  platformSplit,
  positiveMoneySchema,
  split,
  splitMinorUnits,
  subtractMoney,
  toDecimalString,
} from './money';

const usd = (amount: number) => money(amount, 'USD');

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (isCoreError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('money splits', () => {
  it('gives the creator 90% of 1999 cents rounded up: 1800, platform 199', () => {
    expect(platformSplit(usd(1999))).toEqual({ creator: usd(1800), platform: usd(199) });
    expect(split(usd(1999), 9000)).toEqual({ share: usd(1800), rest: usd(199) });
  });

  it('charges a 1% payout fee: 1250.00 -> fee 12.50, net 1237.50', () => {
    expect(payoutFee(usd(125000))).toEqual({ fee: usd(1250), net: usd(123750) });
    expect(payoutFee(usd(125001))).toEqual({ fee: usd(1250), net: usd(123751) });
  });

  it('handles the edges 0, 1, 0 bps and 10000 bps', () => {
    expect(splitMinorUnits(0, 9000)).toEqual([0, 0]);
    expect(splitMinorUnits(1, 9000)).toEqual([1, 0]);
    expect(splitMinorUnits(1, 1)).toEqual([1, 0]);
    expect(splitMinorUnits(999, 0)).toEqual([0, 999]);
    expect(splitMinorUnits(999, 10000)).toEqual([999, 0]);
    expect(splitMinorUnits(Number.MAX_SAFE_INTEGER, 9000)).toEqual([8106479329266892, 900719925474099]);
  });

  it('parts always sum to the whole, the share is the ceiling, and the fee never exceeds its rate', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 0, max: 10000 }), (amount, bps) => {
        const [share, rest] = splitMinorUnits(amount, bps);
        expect(share + rest).toBe(amount);
        expect(Number.isSafeInteger(share) && Number.isSafeInteger(rest)).toBe(true);
        expect(share >= 0 && rest >= 0).toBe(true);
        // share = ceil(amount * bps / 10000), checked with exact BigInt arithmetic.
        const exact = BigInt(amount) * BigInt(bps);
        expect(BigInt(share) * 10000n >= exact).toBe(true);
        expect((BigInt(share) - 1n) * 10000n < exact).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('platform fee plus creator share equals the payment for random payments', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_00 }), fc.constantFrom(...CURRENCY_CODES), (amount, currency) => {
        const total = money(amount, currency);
        const { creator, platform } = platformSplit(total);
        expect(creator.amount + platform.amount).toBe(amount);
        expect(platform.amount).toBe(Math.floor((amount * 1000) / 10000));
        expect(creator.currency).toBe(currency);
        const { fee, net } = payoutFee(total);
        expect(fee.amount + net.amount).toBe(amount);
      }),
      { numRuns: 3000 },
    );
  });

  it('rejects negative amounts and bad basis points with clear errors', () => {
    expect(errorOf(() => split(usd(-1), 9000)).message).toMatch(/non-negative/);
    expect(errorOf(() => splitMinorUnits(10, 10001)).message).toMatch(/basis points must be an integer in 0..10000/);
    expect(errorOf(() => splitMinorUnits(10, 1.5)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => splitMinorUnits(1.5, 100)).code).toBe('INVALID_MONEY');
  });
});

describe('parseMoney / formatMoney', () => {
  it('parses common spellings into minor units per the currency exponent', () => {
    expect(parseMoney('19.99 USD')).toEqual(usd(1999));
    expect(parseMoney('USD 19.99')).toEqual(usd(1999));
    expect(parseMoney('19.9 usd')).toEqual(usd(1990));
    expect(parseMoney('19 USD')).toEqual(usd(1900));
    expect(parseMoney('1,250.00 USD')).toEqual(usd(125000));
    expect(parseMoney('19.990 USD')).toEqual(usd(1999));
    expect(parseMoney('1999 JPY')).toEqual(money(1999, 'JPY'));
    expect(parseMoney('1.234 KWD')).toEqual(money(1234, 'KWD'));
    expect(parseMoney('19.99', { currency: 'EUR' })).toEqual(money(1999, 'EUR'));
    expect(parseMoney('-0.05 USD', { allowNegative: true })).toEqual(usd(-5));
    expect(Object.is(parseMoney('-0.00 USD').amount, 0)).toBe(true);
  });

  it('rejects 19.999 USD, NaN, negatives, unknown currencies and junk with clear errors', () => {
    const cases: [string, RegExp][] = [
      ['19.999 USD', /USD has 2 decimal places; "19.999" has 3/],
      ['10.5 JPY', /JPY has 0 decimal places/],
      ['NaN USD', /invalid money/],
      ['NaN', /invalid money/],
      ['Infinity USD', /invalid money/],
      ['1e3 USD', /invalid money/],
      ['-5.00 USD', /must not be negative/],
      ['19.99 XYZ', /unknown currency "XYZ"/],
      ['19.99 BTC', /unknown currency "BTC"/],
      ['19.99', /has no currency/],
      ['USD 19.99 USD', /invalid money|twice/],
      ['', /invalid money/],
      ['1,25.00 USD', /invalid amount/],
      ['.5 USD', /invalid money/],
      ['99999999999999999 USD', /too large/],
    ];
    for (const [input, re] of cases) {
      const err = errorOf(() => parseMoney(input));
      expect(err.code, input).toBe('INVALID_MONEY');
      expect(err.message, input).toMatch(re);
    }
    expect(errorOf(() => parseMoney('0 USD', { allowZero: false })).message).toMatch(/must not be zero/);
    expect(errorOf(() => parseMoney(undefined as unknown as string)).code).toBe('INVALID_MONEY');
  });

  it('formats exactly and round-trips through parseMoney for every currency', () => {
    expect(formatMoney(usd(1999))).toBe('19.99 USD');
    expect(formatMoney(usd(5))).toBe('0.05 USD');
    expect(formatMoney(usd(-5))).toBe('-0.05 USD');
    expect(formatMoney(money(1999, 'JPY'))).toBe('1999 JPY');
    expect(toDecimalString(money(1, 'CLF'))).toBe('0.0001');
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), fc.constantFrom(...CURRENCY_CODES), (amount, currency) => {
        const m = money(amount, currency);
        expect(parseMoney(formatMoney(m), { allowNegative: true })).toEqual(m);
      }),
      { numRuns: 3000 },
    );
  });

  it('formats for display with the currency decimals', () => {
    expect(formatMoneyLocale(usd(123456), 'en-US')).toBe('$1,234.56');
    expect(formatMoneyLocale(money(1999, 'JPY'), 'en-US')).toBe('¥1,999');
    // Beyond 2^53 / 100 a float would round; the exact decimal string must survive.
    expect(formatMoneyLocale(usd(9007199254740991), 'en-US')).toBe('$90,071,992,547,409.91');
  });
});

describe('money values and schemas', () => {
  it('validates {amount, currency} with clear messages', () => {
    expect(moneySchema.parse({ amount: 1999, currency: 'USD' })).toEqual(usd(1999));
    expect(moneySchema.safeParse({ amount: 19.99, currency: 'USD' }).error?.issues[0]?.message).toMatch(/integer number of minor units/);
    expect(moneySchema.safeParse({ amount: 1999, currency: 'usd' }).error?.issues[0]?.message).toMatch(/unknown currency "usd"/);
    expect(moneySchema.safeParse({ amount: NaN, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: 2 ** 53, currency: 'USD' }).success).toBe(false);
    expect(moneySchema.safeParse({ amount: '1999', currency: 'USD' }).success).toBe(false);
    expect(nonNegativeMoneySchema.safeParse({ amount: -1, currency: 'USD' }).error?.issues[0]?.message).toMatch(/negative/);
    expect(positiveMoneySchema.safeParse({ amount: 0, currency: 'USD' }).success).toBe(false);
  });

  it('adds and subtracts only the same currency', () => {
    expect(addMoney(usd(1), usd(2))).toEqual(usd(3));
    expect(subtractMoney(usd(1), usd(2))).toEqual(usd(-1));
    expect(errorOf(() => addMoney(usd(1), money(1, 'EUR'))).code).toBe('CURRENCY_MISMATCH');
    expect(errorOf(() => addMoney(usd(Number.MAX_SAFE_INTEGER), usd(1))).message).toMatch(/safe integer/);
    expect(errorOf(() => money(1.5, 'USD')).message).toMatch(/safe integer/);
    expect(errorOf(() => money(1, 'XYZ')).message).toMatch(/unknown currency/);
  });
});
