// Prefixed, time-sortable ids: `<prefix>_<26 chars>`, where the 26 chars are a ULID in lowercase Crockford
// base32 (10 chars of millisecond timestamp + 16 chars of randomness). Lowercase Crockford digits are in
// ascending ASCII order, so ids of one prefix sort lexicographically by creation time. Within one millisecond
// (or if the clock steps back) the random part is incremented instead of redrawn, so ids made by one process
// are strictly increasing. Uses globalThis.crypto, which exists in Node 20, Electron and browsers.
import { z } from 'zod';
import { CoreError } from './errors';

/** The entity kinds and their id prefixes. Add new kinds here so prefixes never collide. */
export const ID_PREFIXES = {
  creator: 'cr',
  fan: 'fan',
  user: 'usr',
  post: 'post',
  payment: 'pay',
  payout: 'po',
  event: 'evt',
  tier: 'tier',
  subscription: 'sub',
  transaction: 'txn',
  device: 'dev',
  deviceKey: 'key',
  refreshToken: 'rt',
  rendition: 'rnd',
  webhook: 'whk',
  delivery: 'dlv',
  media: 'med',
  job: 'job',
  vr: 'vr',
  session: 'ses',
  refund: 'ref',
  upload: 'upl',
  request: 'req',
  payoutSchedule: 'psch',
  mediaGrant: 'grant',
  playbackSession: 'pbs',
  apiKey: 'apk',
  vrTicket: 'vrt',
  vrAttendance: 'vra',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];
export type Id<P extends IdPrefix = IdPrefix> = `${P}_${string}`;

const KNOWN_PREFIXES = new Set<string>(Object.values(ID_PREFIXES));
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const BODY_RE = /^[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$/;
const MAX_TIME = 2 ** 48 - 1;

let lastTime = -1;
// The 80 random bits as 16 base32 digits (values 0..31), most significant first.
let lastRandom: number[] = [];

function randomDigits(): number[] {
  const bytes = new Uint8Array(RANDOM_LEN);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b & 31);
}

function increment(digits: number[]): number[] | null {
  const next = digits.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i]! < 31) {
      next[i]!++;
      return next;
    }
    next[i] = 0;
  }
  return null; // 2^80 ids in one millisecond: overflow
}

function encodeTime(ms: number): string {
  let s = '';
  let t = ms;
  for (let i = 0; i < TIME_LEN; i++) {
    s = ALPHABET[t % 32]! + s;
    t = Math.floor(t / 32);
  }
  return s;
}

/** The 26-character sortable body of an id (a lowercase ULID). `now` is only for tests. */
export function newIdBody(now: number = Date.now()): string {
  let time = Math.floor(now);
  if (!Number.isSafeInteger(time) || time < 0 || time > MAX_TIME) {
    throw new CoreError('INVALID_ARGUMENT', `id timestamp out of range: ${now}`);
  }
  if (time <= lastTime) {
    // Same millisecond or the clock stepped back: stay on the last timestamp and count up.
    time = lastTime;
    const next = increment(lastRandom);
    if (next === null) {
      time = lastTime + 1;
      lastRandom = randomDigits();
    } else {
      lastRandom = next;
    }
  } else {
    lastRandom = randomDigits();
  }
  lastTime = time;
  return encodeTime(time) + lastRandom.map((d) => ALPHABET[d]).join('');
}

export function newId<P extends IdPrefix>(prefix: P, now?: number): Id<P> {
  if (!KNOWN_PREFIXES.has(prefix)) throw new CoreError('INVALID_ID', `unknown id prefix "${String(prefix)}"`);
  return `${prefix}_${newIdBody(now)}`;
}

export function isId<P extends IdPrefix>(prefix: P, value: unknown): value is Id<P> {
  if (typeof value !== 'string') return false;
  if (!value.startsWith(prefix + '_')) return false;
  return BODY_RE.test(value.slice(prefix.length + 1));
}

/** Milliseconds since the epoch at which the id was made. Throws on a malformed id. */
export function idTimestamp(id: string): number {
  const sep = id.lastIndexOf('_');
  const body = sep >= 0 ? id.slice(sep + 1) : '';
  if (!BODY_RE.test(body)) throw new CoreError('INVALID_ID', `not a FANZ id: "${id.slice(0, 64)}"`);
  let t = 0;
  for (let i = 0; i < TIME_LEN; i++) t = t * 32 + ALPHABET.indexOf(body[i]!);
  return t;
}

/** zod schema for an id of one kind, e.g. `idSchema('post')`; the output type stays a plain string. */
export function idSchema<P extends IdPrefix>(prefix: P) {
  return z.string().regex(new RegExp(`^${prefix}_[0-7][0-9abcdefghjkmnpqrstvwxyz]{25}$`), {
    message: `expected a ${prefix}_ id`,
  });
}
