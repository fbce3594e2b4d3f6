// Prices as fans read them: minor units formatted with the currency's exponent (@fanz/core), in the
// browser's locale ("$12.99", "1.299 ¥" ...).
import { formatMoneyLocale, type Money } from '@fanz/core';

export function price(m: Money): string {
  try {
    return formatMoneyLocale(m, navigator.language);
  } catch {
    return formatMoneyLocale(m, 'en-US');
  }
}

export function perInterval(m: Money, interval: 'month' | 'year'): string {
  return `${price(m)} / ${interval}`;
}
