// Ed25519 signatures through @noble/curves (pure JS: runs in the renderer, main process and server).
// `./node` exports an implementation over node:crypto with the same interface and the same results, for speed.
//
// Verification follows RFC 8032 strictly (zip215: false): non-canonical point encodings, S >= L and
// small-order public keys are rejected. verify() never throws: any malformed input simply does not verify.
// sign() and getPublicKey() throw CoreError('INVALID_KEY') for a secret key that is not 32 bytes.
import { ed25519 } from '@noble/curves/ed25519.js';
import { canonicalJsonBytes } from './canonical-json';
import { CoreError } from './errors';
import { fromBase64Url, toBase64Url } from './encoding';

export const PUBLIC_KEY_LENGTH = 32;
export const SECRET_KEY_LENGTH = 32;
export const SIGNATURE_LENGTH = 64;

export interface KeyPair {
  /** 32-byte RFC 8032 public key. */
  publicKey: Uint8Array;
  /** 32-byte RFC 8032 secret key (the seed). Never log it. */
  secretKey: Uint8Array;
}

/** One Ed25519 implementation. Both implementations produce byte-identical keys and signatures. */
export interface Ed25519 {
  readonly name: string;
  generateKeyPair(): KeyPair;
  getPublicKey(secretKey: Uint8Array): Uint8Array;
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** true only for a valid signature; false (never an exception) for anything else, garbage included. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export function isBytes(v: unknown, length?: number): v is Uint8Array {
  return v instanceof Uint8Array && (length === undefined || v.length === length);
}

export function assertSecretKey(secretKey: unknown): asserts secretKey is Uint8Array {
  if (!isBytes(secretKey, SECRET_KEY_LENGTH)) {
    const got = secretKey instanceof Uint8Array ? `${secretKey.length} bytes` : typeof secretKey;
    throw new CoreError('INVALID_KEY', `Ed25519 secret key must be ${SECRET_KEY_LENGTH} bytes, got ${got}`);
  }
}

export function assertMessage(message: unknown): asserts message is Uint8Array {
  if (!isBytes(message)) throw new CoreError('INVALID_ARGUMENT', 'message to sign must be a Uint8Array');
}

export const nobleEd25519: Ed25519 = {
  name: '@noble/curves',
  generateKeyPair() {
    const secretKey = ed25519.utils.randomSecretKey();
    return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
  },
  getPublicKey(secretKey) {
    assertSecretKey(secretKey);
    return ed25519.getPublicKey(secretKey);
  },
  sign(message, secretKey) {
    assertSecretKey(secretKey);
    assertMessage(message);
    return ed25519.sign(message, secretKey);
  },
  verify(signature, message, publicKey) {
    if (!isBytes(signature, SIGNATURE_LENGTH) || !isBytes(message) || !isBytes(publicKey, PUBLIC_KEY_LENGTH)) {
      return false;
    }
    try {
      return ed25519.verify(signature, message, publicKey, { zip215: false });
    } catch {
      return false;
    }
  },
};

/** Signs canonicalJson(value); returns the signature as base64url (the `fanz-signature` header format). */
export function signJsonWith(impl: Ed25519, value: unknown, secretKey: Uint8Array): string {
  return toBase64Url(impl.sign(canonicalJsonBytes(value), secretKey));
}

/**
 * Checks a base64url (or raw) signature over canonicalJson(value). Never throws: a value that cannot be
 * canonicalized, a malformed signature or key all give false.
 */
export function verifyJsonWith(
  impl: Ed25519,
  value: unknown,
  signature: string | Uint8Array,
  publicKey: string | Uint8Array,
): boolean {
  try {
    const sig = typeof signature === 'string' ? fromBase64Url(signature) : signature;
    const pub = typeof publicKey === 'string' ? fromBase64Url(publicKey) : publicKey;
    return impl.verify(sig, canonicalJsonBytes(value), pub);
  } catch {
    return false;
  }
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * verifyJsonWith with a reason on failure (for error details and logs): what was malformed, or that the
 * signature simply does not match. Never throws.
 */
export function checkJsonWith(
  impl: Ed25519,
  value: unknown,
  signature: unknown,
  publicKey: unknown,
): SignatureCheck {
  const bytes = (v: unknown, name: string, length: number): Uint8Array | string => {
    let b: Uint8Array;
    if (typeof v === 'string') {
      try {
        b = fromBase64Url(v);
      } catch {
        return `${name} is not base64url (no padding)`;
      }
    } else if (v instanceof Uint8Array) b = v;
    else return `${name} is missing or not a string`;
    return b.length === length ? b : `${name} must be ${length} bytes, got ${b.length}`;
  };
  const sig = bytes(signature, 'signature', SIGNATURE_LENGTH);
  if (typeof sig === 'string') return { ok: false, reason: sig };
  const pub = bytes(publicKey, 'public key', PUBLIC_KEY_LENGTH);
  if (typeof pub === 'string') return { ok: false, reason: pub };
  let message: Uint8Array;
  try {
    message = canonicalJsonBytes(value);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  return impl.verify(sig, message, pub) ? { ok: true } : { ok: false, reason: 'signature does not match the canonical JSON of the value' };
}

export const generateKeyPair = (): KeyPair => nobleEd25519.generateKeyPair();
export const getPublicKey = (secretKey: Uint8Array): Uint8Array => nobleEd25519.getPublicKey(secretKey);
export const sign = (message: Uint8Array, secretKey: Uint8Array): Uint8Array => nobleEd25519.sign(message, secretKey);
export const verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean =>
  nobleEd25519.verify(signature, message, publicKey);
export const signJson = (value: unknown, secretKey: Uint8Array): string => signJsonWith(nobleEd25519, value, secretKey);
export const verifyJson = (
  value: unknown,
  signature: string | Uint8Array,
  publicKey: string | Uint8Array,
): boolean => verifyJsonWith(nobleEd25519, value, signature, publicKey);
export const checkJsonSignature = (value: unknown, signature: unknown, publicKey: unknown): SignatureCheck =>
  checkJsonWith(nobleEd25519, value, signature, publicKey);

/** Decodes a base64url public key as sent to POST /devices; throws CoreError('INVALID_KEY') if it is not 32 bytes. */
export function parsePublicKey(text: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(text);
  } catch {
    throw new CoreError('INVALID_KEY', 'public key must be base64url (no padding)');
  }
  if (bytes.length !== PUBLIC_KEY_LENGTH) {
    throw new CoreError('INVALID_KEY', `Ed25519 public key must be ${PUBLIC_KEY_LENGTH} bytes, got ${bytes.length}`);
  }
  return bytes;
}
