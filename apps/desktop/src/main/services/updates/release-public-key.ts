// The release key the app trusts: the operator's Ed25519 public key (raw 32 bytes, base64), compiled in.
// FANZ_UPDATE_PUBLIC_KEY overrides it for tests and private builds. A feed whose signature does not verify
// with this key is never downloaded, whatever the server or a file host says.
import { createPublicKey, type KeyObject } from 'node:crypto';

/** Replace with the output of `npm run -s release -- keygen` for your own distribution. */
export const COMPILED_RELEASE_PUBLIC_KEY = 'Kbx4HAoNXTFtHfU/NGfVvy+mhQr2yF+TvnZTvvbyHIc=';

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function releasePublicKey(env: NodeJS.ProcessEnv = process.env): { key: KeyObject; base64: string; source: 'compiled' | 'FANZ_UPDATE_PUBLIC_KEY' } {
  const override = env.FANZ_UPDATE_PUBLIC_KEY?.trim();
  const base64 = override || COMPILED_RELEASE_PUBLIC_KEY;
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new Error(`${override ? 'FANZ_UPDATE_PUBLIC_KEY' : 'the compiled-in release key'} is not a base64 Ed25519 public key (32 bytes)`);
  return {
    key: createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' }),
    base64,
    source: override ? 'FANZ_UPDATE_PUBLIC_KEY' : 'compiled',
  };
}
