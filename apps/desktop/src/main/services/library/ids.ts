// Sortable random ids (`med_01j...`): a millisecond timestamp then 80 random bits, Crockford base32.
// Stands in until @fanz/core's newId lands; same shape (prefix + '_' + 26 chars).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

export function newId(prefix: string): string {
  let time = Date.now();
  let t = '';
  for (let i = 0; i < 10; i++) {
    t = ALPHABET[time % 32] + t;
    time = Math.floor(time / 32);
  }
  const bytes = randomBytes(16);
  let r = '';
  for (let i = 0; i < 16; i++) r += ALPHABET[(bytes[i] ?? 0) % 32];
  return `${prefix}_${t}${r}`;
}
