// The operator's Ed25519 release key: made by `release keygen` into a 0600 file, read back from a file
// (--key FILE or FANZ_RELEASE_KEY_FILE) or from FANZ_RELEASE_KEY (the PEM or its base64). Never in the
// repository, never logged. Public keys travel as the raw 32 bytes in base64, the form the studio compiles in.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function publicKeyBase64(key: KeyObject): string {
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return der.subarray(SPKI_ED25519_PREFIX.length).toString('base64');
}

export function generateReleaseKey(outFile: string): { publicKey: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  // 'wx': never overwrite an existing key (that would orphan every installed app).
  writeFileSync(outFile, pem, { mode: 0o600, flag: 'wx' });
  return { publicKey: publicKeyBase64(privateKey) };
}

function parsePrivateKey(text: string, where: string): KeyObject {
  const pem = text.includes('BEGIN') ? text : Buffer.from(text.trim(), 'base64').toString('utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem.includes('BEGIN') ? pem : { key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error(`${where} is not an Ed25519 private key (PKCS#8 PEM, as made by "release keygen")`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${where} is a ${key.asymmetricKeyType} key; release keys are Ed25519`);
  return key;
}

/** The operator key from --key FILE, FANZ_RELEASE_KEY_FILE or FANZ_RELEASE_KEY; throws saying what is missing. */
export function loadReleaseKey(file: string | undefined, env: NodeJS.ProcessEnv): KeyObject {
  const path = file ?? (env.FANZ_RELEASE_KEY_FILE || undefined);
  if (path) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) throw new Error(`the release key file ${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`);
    return parsePrivateKey(readFileSync(path, 'utf8'), `the key file ${path}`);
  }
  if (env.FANZ_RELEASE_KEY) return parsePrivateKey(env.FANZ_RELEASE_KEY, 'FANZ_RELEASE_KEY');
  throw new Error('no release key: pass --key FILE, or set FANZ_RELEASE_KEY_FILE or FANZ_RELEASE_KEY (make one with "release keygen --out FILE")');
}

/** Detached Ed25519 signature over the exact bytes, base64. */
export function signBytes(key: KeyObject, bytes: Buffer): string {
  return sign(null, bytes, key).toString('base64');
}
