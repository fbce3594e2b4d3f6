// Prices as creators type them: "$9.99", "9,99", "€ 1.234,56", "1,234.56 USD". The text is normalised to
// core's decimal form and parsed to integer minor units by core (which refuses extra decimals); what is
// wrong is said in words. Pure, tested in price-input.test.ts.
import { CURRENCY_CODES, parseAmount, platformSplit, formatMoneyLocale, type CurrencyCode, type Money } from '@fanz/core';

const SYMBOLS = /[$€£¥₹]|US\$|[A-Za-z]{3}(?=\s|$|\d)|^[A-Za-z]{3}/g;

/** "9,99" -> "9.99", "1.234,56" -> "1234.56", "1,234.56" -> "1234.56", "1,234" -> "1234". */
export function normalisePrice(text: string): string {
  let t = text.trim().replace(SYMBOLS, '').replace(/[\s\u00a0']/g, '');
  const lastComma = t.lastIndexOf(',');
  const lastDot = t.lastIndexOf('.');
  if (lastComma > lastDot) {
    // A comma after the last dot: a decimal comma ("9,99", "1.234,56") unless it groups thousands ("1,234").
    const after = t.length - lastComma - 1;
    if (after === 3 && lastDot === -1 && /^\d{1,3}(,\d{3})+$/.test(t)) t = t.replace(/,/g, '');
    else t = t.replace(/\./g, '').replace(',', '.');
  } else {
    t = t.replace(/,/g, '');
  }
  return t;
}

export type PriceResult = { ok: true; money: Money } | { ok: false; message: string };

export function parsePrice(text: string, currency: CurrencyCode): PriceResult {
  if (text.trim() === '') return { ok: false, message: 'Enter a price, for example 9.99.' };
  const t = normalisePrice(text);
  if (!/^\d+(\.\d+)?$/.test(t)) return { ok: false, message: `Enter the price as a number, for example 9.99 (not "${text.trim().slice(0, 20)}").` };
  try {
    const money = parseAmount(t, currency, { allowZero: false });
    return { ok: true, money };
  } catch (err) {
    const msg = (err as Error).message;
    if (/decimal place/.test(msg)) return { ok: false, message: `${currency} prices have at most ${msg.match(/has (\d)/)?.[1] ?? 2} decimals.` };
    if (/zero/.test(msg)) return { ok: false, message: 'A pay-per-view price must be more than zero.' };
    return { ok: false, message: 'That price is too large.' };
  }
}

/** "You receive $8.99 after the platform fee" for a fan payment of `price`. */
export function afterFees(price: Money, locale?: string): string {
  return formatMoneyLocale(platformSplit(price).creator, locale);
}

/** The creator's usual currency first, then a short list; every other currency after. */
export function currencyChoices(usual: CurrencyCode | null): CurrencyCode[] {
  const common: CurrencyCode[] = (['USD', 'EUR', 'GBP', 'CAD', 'AUD'] as string[]).filter((c): c is CurrencyCode => (CURRENCY_CODES as readonly string[]).includes(c)) as CurrencyCode[];
  const first = usual ? [usual, ...common.filter((c) => c !== usual)] : common;
  return first;
}
