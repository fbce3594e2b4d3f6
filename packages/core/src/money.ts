// Money as integer minor units plus an ISO 4217 currency ({amount: 1999, currency: "USD"} is $19.99).
// Never floats: parsing works on the decimal string's digits, and arithmetic stays within safe integers.
//
// Rounding rule for splits (documented contract, DESIGN.md "Splits round in the creator's favour"):
//   the creator's share is rounded UP to the next minor unit, and the fee is what remains (so the fee is
//   rounded DOWN). The parts always sum to the whole. Example: a 10% platform fee on 1999 USD cents gives
//   fee floor(199.9) = 199 and creator 1800. A 1% payout fee on 125000 (1250.00) gives fee 1250, net 123750.
import { z } from 'zod';
import { CURRENCY_CODES, CURRENCY_EXPONENTS, isCurrencyCode } from './currencies';
import type { CurrencyCode } from './currencies';
import { CoreError } from './errors';

export interface Money {
  /** Integer amount in the currency's minor unit (cents for USD, yen for JPY). */
  amount: number;
  currency: CurrencyCode;
}

/** Platform fee on fan payments: 10% (creator keeps 90%). */
export const PLATFORM_FEE_BPS = 1000;
/** Payout processing fee: 1%. */
export const PAYOUT_FEE_BPS = 100;
const BPS_DENOMINATOR = 10_000;

export const currencySchema = z.enum(CURRENCY_CODES, {
  error: (issue) => `unknown currency ${JSON.stringify(issue.input)}: expected an ISO 4217 code like "USD"`,
});

const amountSchema = z.int({ error: 'amount must be an integer number of minor units (e.g. 1999 for 19.99 USD)' });

export const moneySchema = z.object({ amount: amountSchema, currency: currencySchema });
export const nonNegativeMoneySchema = z.object({
  amount: amountSchema.min(0, { error: 'amount must not be negative' }),
  currency: currencySchema,
});
export const positiveMoneySchema = z.object({
  amount: amountSchema.min(1, { error: 'amount must be positive' }),
  currency: currencySchema,
});

export function currencyExponent(currency: CurrencyCode): number {
  if (!isCurrencyCode(currency)) throw invalid(`unknown currency "${String(currency)}"`);
  return CURRENCY_EXPONENTS[currency];
}

function invalid(message: string, details?: Record<string, unknown>): CoreError {
  return new CoreError('INVALID_MONEY', message, details);
}

/** Builds a Money value, checking the amount is a safe integer and the currency is known. */
export function money(amount: number, currency: CurrencyCode | string): Money {
  if (!isCurrencyCode(currency)) throw invalid(`unknown currency "${String(currency)}": expected an ISO 4217 code`);
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    throw invalid(`amount must be a safe integer of minor units, got ${String(amount)}`);
  }
  return { amount: amount === 0 ? 0 : amount, currency };
}

export interface ParseMoneyOptions {
  /** Accept negative amounts (default false). */
  allowNegative?: boolean;
  /** Accept zero (default true). */
  allowZero?: boolean;
  /** Currency to use when the text has none, e.g. parseMoney("19.99", { currency: "USD" }). */
  currency?: CurrencyCode;
}

const MONEY_RE = /^(?:([A-Za-z]{3})\s+)?([+-]?[0-9][0-9,]*(?:\.[0-9]+)?)(?:\s*([A-Za-z]{3}))?$/;
const AMOUNT_RE = /^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$/;

/**
 * Parses a decimal amount in major units ("19.99") into minor units for a currency. Rejects more decimal
 * places than the currency has (19.999 USD), exponents, NaN/Infinity and malformed digit groups.
 */
export function parseAmount(text: string, currency: CurrencyCode, options: ParseMoneyOptions = {}): Money {
  const exponent = currencyExponent(currency);
  const m = AMOUNT_RE.exec(typeof text === 'string' ? text.trim() : '');
  if (!m) {
    throw invalid(`invalid amount ${JSON.stringify(text)}: expected a decimal number like "19.99"`, { input: text });
  }
  const sign = m[1] === '-' ? -1 : 1;
  const whole = m[2]!.replace(/,/g, '');
  let fraction = m[3] ?? '';
  if (fraction.length > exponent) {
    // Extra trailing zeros lose nothing (19.990 is 19.99); any other extra digit would be silently rounded.
    if (/[^0]/.test(fraction.slice(exponent))) {
      throw invalid(
        `${currency} has ${exponent} decimal place${exponent === 1 ? '' : 's'}; "${text}" has ${fraction.length}`,
        { input: text, currency, exponent },
      );
    }
    fraction = fraction.slice(0, exponent);
  }
  const digits = (whole + fraction.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const magnitude = Number(digits);
  if (!Number.isSafeInteger(magnitude)) throw invalid(`amount "${text}" is too large`, { input: text });
  const amount = magnitude === 0 ? 0 : sign * magnitude;
  if (amount < 0 && !options.allowNegative) throw invalid(`amount must not be negative, got "${text}"`, { input: text });
  if (amount === 0 && options.allowZero === false) throw invalid('amount must not be zero', { input: text });
  return { amount, currency };
}

/**
 * Parses "19.99 USD", "USD 19.99", "1,250.00 EUR" or, with options.currency, "19.99".
 * Throws CoreError('INVALID_MONEY') with a message saying what is wrong.
 */
export function parseMoney(text: string, options: ParseMoneyOptions = {}): Money {
  if (typeof text !== 'string') throw invalid(`money must be a string like "19.99 USD", got ${typeof text}`);
  const m = MONEY_RE.exec(text.trim());
  if (!m) throw invalid(`invalid money ${JSON.stringify(text)}: expected e.g. "19.99 USD"`, { input: text });
  if (m[1] && m[3]) throw invalid(`money ${JSON.stringify(text)} names a currency twice`, { input: text });
  const code = (m[1] ?? m[3] ?? options.currency)?.toUpperCase();
  if (code === undefined) throw invalid(`money ${JSON.stringify(text)} has no currency: write e.g. "19.99 USD"`);
  if (!isCurrencyCode(code)) throw invalid(`unknown currency "${code}": expected an ISO 4217 code like "USD"`);
  return parseAmount(m[2]!, code, options);
}

/** The amount in major units as an exact decimal string: 1999 USD -> "19.99", 5 JPY -> "5", -5 USD -> "-0.05". */
export function toDecimalString(m: Money): string {
  const exponent = currencyExponent(m.currency);
  const digits = String(Math.abs(m.amount)).padStart(exponent + 1, '0');
  const sign = m.amount < 0 ? '-' : '';
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Plain, locale-independent text that parseMoney reads back: "19.99 USD". */
export function formatMoney(m: Money): string {
  return `${toDecimalString(m)} ${m.currency}`;
}

/** Human display in a locale ("$19.99", "19,99 €"), with exactly the currency's decimal places. */
export function formatMoneyLocale(m: Money, locale?: string): string {
  const exponent = currencyExponent(m.currency);
  const nf = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: m.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  // Intl accepts exact decimal strings, so no float rounding happens on the way.
  return nf.format(toDecimalString(m) as unknown as number);
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new CoreError('CURRENCY_MISMATCH', `cannot combine ${a.currency} and ${b.currency}`, {
      left: a.currency,
      right: b.currency,
    });
  }
}

function safe(amount: number, currency: CurrencyCode): Money {
  if (!Number.isSafeInteger(amount)) throw invalid(`result ${amount} ${currency} is outside the safe integer range`);
  return { amount: amount === 0 ? 0 : amount, currency };
}

export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return safe(a.amount + b.amount, a.currency);
}

export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return safe(a.amount - b.amount, a.currency);
}

export function sumMoney(items: readonly Money[], currency: CurrencyCode): Money {
  let total = money(0, currency);
  for (const item of items) total = addMoney(total, item);
  return total;
}

function checkBps(basisPoints: number): void {
  if (!Number.isInteger(basisPoints) || basisPoints < 0 || basisPoints > BPS_DENOMINATOR) {
    throw new CoreError('INVALID_ARGUMENT', `basis points must be an integer in 0..10000, got ${String(basisPoints)}`);
  }
}

/**
 * Splits a non-negative integer into [share, rest] where share is basisPoints/10000 of it rounded UP and
 * rest = amount - share (rounded down). share + rest === amount always.
 */
export function splitMinorUnits(amount: number, basisPoints: number): [share: number, rest: number] {
  checkBps(basisPoints);
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw invalid(`amount to split must be a non-negative safe integer, got ${String(amount)}`);
  }
  // BigInt so amount * basisPoints cannot lose precision for large amounts.
  const num = BigInt(amount) * BigInt(basisPoints);
  const den = BigInt(BPS_DENOMINATOR);
  const share = Number((num + den - 1n) / den);
  return [share, amount - share];
}

/** split(1999 USD, 9000) -> { share: 1800 USD, rest: 199 USD }: the share (the creator's side) rounds up. */
export function split(amount: Money, basisPoints: number): { share: Money; rest: Money } {
  const [share, rest] = splitMinorUnits(money(amount.amount, amount.currency).amount, basisPoints);
  return { share: { amount: share, currency: amount.currency }, rest: { amount: rest, currency: amount.currency } };
}

/** A fan payment's split: the platform fee is rounded down, the creator gets the rest. */
export function platformSplit(total: Money, feeBps: number = PLATFORM_FEE_BPS): { creator: Money; platform: Money } {
  checkBps(feeBps);
  const { share, rest } = split(total, BPS_DENOMINATOR - feeBps);
  return { creator: share, platform: rest };
}

/** A payout's fee (rounded down) and what the creator receives: 1250.00 USD -> fee 12.50, net 1237.50. */
export function payoutFee(amount: Money, feeBps: number = PAYOUT_FEE_BPS): { fee: Money; net: Money } {
  checkBps(feeBps);
  const { share, rest } = split(amount, BPS_DENOMINATOR - feeBps);
  return { net: share, fee: rest };
}
