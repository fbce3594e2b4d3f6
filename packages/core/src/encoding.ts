// Byte <-> text encodings used on the wire (hex, base64, base64url, UTF-8), written without Buffer so the
// renderer can use them. Decoders are strict: they throw a CoreError('INVALID_ENCODING') on anything that is
// not the canonical encoding of some bytes, because signatures and hashes must have exactly one spelling.
import { CoreError } from './errors';

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new CoreError('INVALID_ENCODING', 'hex input must be a string');
  if (hex.length % 2 !== 0) throw new CoreError('INVALID_ENCODING', `hex string has odd length ${hex.length}`);
  if (!/^[0-9a-fA-F]*$/.test(hex)) throw new CoreError('INVALID_ENCODING', 'hex string contains a non-hex character');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function lookupTable(alphabet: string): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < alphabet.length; i++) m.set(alphabet[i]!, i);
  return m;
}
const B64_LOOKUP = lookupTable(B64);
const B64URL_LOOKUP = lookupTable(B64URL);

function encode(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    s += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? '==' : '');
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? '=' : '');
  }
  return s;
}

function decode(text: string, alphabet: string, name: string, padded: boolean): Uint8Array {
  if (typeof text !== 'string') throw new CoreError('INVALID_ENCODING', `${name} input must be a string`);
  let body = text;
  if (padded) {
    if (text.length % 4 !== 0) throw new CoreError('INVALID_ENCODING', `${name} string length must be a multiple of 4`);
    body = text.replace(/={1,2}$/, '');
  }
  if (body.length % 4 === 1) throw new CoreError('INVALID_ENCODING', `${name} string has an impossible length`);
  const lookup = alphabet === B64 ? B64_LOOKUP : B64URL_LOOKUP;
  const out = new Uint8Array(Math.floor((body.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < body.length; i++) {
    const v = lookup.get(body[i]!);
    if (v === undefined) throw new CoreError('INVALID_ENCODING', `${name} string has an invalid character at ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, otherwise two different strings would decode to the same bytes.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new CoreError('INVALID_ENCODING', `${name} string is not canonical`);
  return out;
}

export function toBase64(bytes: Uint8Array): string {
  return encode(bytes, B64, true);
}
export function fromBase64(text: string): Uint8Array {
  return decode(text, B64, 'base64', true);
}
/** base64url without padding (RFC 4648 section 5), as used for keys and signatures in headers. */
export function toBase64Url(bytes: Uint8Array): string {
  return encode(bytes, B64URL, false);
}
export function fromBase64Url(text: string): Uint8Array {
  return decode(text, B64URL, 'base64url', false);
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    throw new CoreError('INVALID_ENCODING', 'bytes are not valid UTF-8');
  }
}

/** Constant-time-ish equality for hashes and MACs (no early exit on the first differing byte). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
