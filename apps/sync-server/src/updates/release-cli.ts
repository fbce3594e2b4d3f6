// `npm run -s release -- <publish|staging|pull|keygen> ...`: the operator's tool for the update channel.
// It writes the storage the server reads (MEDIA_S3_* bucket, else FANZ_DATA_DIR or --data-dir), signs
// every feed with the operator key and prints one JSON line per result. Exit 0 ok, 1 refused, 2 usage.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { generateReleaseKey, loadReleaseKey } from './release-keys.js';
import { openReleaseFiles } from './release-files.js';
import { isChannel, isPlatform, isSemver, type Channel } from './release-layout.js';
import { ReleaseStore } from './release-store.js';

export const USAGE = `usage: release <command> [options]
  publish --channel latest|beta|alpha --version X.Y.Z --platform linux|mac|win --file PATH
          [--blockmap PATH] [--staging PERCENT] [--notes FILE] [--sha512 EXPECTED]
  staging --channel C --version V --percent P     change a rollout
  pull    --channel C --version V                 stop offering a release (installed copies keep it)
  keygen  --out FILE                              make an operator key (mode 0600), print its public key
options: --key FILE (else FANZ_RELEASE_KEY_FILE or FANZ_RELEASE_KEY), --data-dir DIR (else FANZ_DATA_DIR)`;

export class UsageError extends Error {}

function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
}
/** `npm run -w` runs in the workspace folder; paths on the command line mean the operator's folder. */
function pathArg(env: NodeJS.ProcessEnv, p: string): string {
  return resolve(env.INIT_CWD || process.cwd(), p);
}
function channelOf(values: Record<string, unknown>): Channel {
  const c = need(values, 'channel');
  if (!isChannel(c)) throw new UsageError(`unknown channel "${c}" (latest, beta or alpha)`);
  return c;
}
function versionOf(values: Record<string, unknown>): string {
  const v = need(values, 'version');
  if (!isSemver(v)) throw new UsageError(`version "${v}" is not semver (X.Y.Z, e.g. 1.2.0 or 1.3.0-beta.1)`);
  return v;
}
function percentOf(raw: string, flag: string): number {
  if (!/^\d{1,3}$/.test(raw) || Number(raw) > 100) throw new UsageError(`--${flag} must be a whole percentage 0-100, got "${raw}"`);
  return Number(raw);
}

export async function runRelease(argv: string[], env: NodeJS.ProcessEnv = process.env, print: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: {
      channel: { type: 'string' }, version: { type: 'string' }, platform: { type: 'string' }, file: { type: 'string' },
      blockmap: { type: 'string' }, staging: { type: 'string' }, notes: { type: 'string' }, sha512: { type: 'string' },
      percent: { type: 'string' }, out: { type: 'string' }, key: { type: 'string' }, 'data-dir': { type: 'string' },
    },
  });
  if (command === 'keygen') {
    const out = pathArg(env, need(values, 'out'));
    const { publicKey } = generateReleaseKey(out);
    print(JSON.stringify({ ok: true, keyFile: out, publicKey }));
    return;
  }
  if (!['publish', 'staging', 'pull'].includes(command ?? '')) throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  const channel = channelOf(values);
  const version = versionOf(values);
  // The same storage the server reads: the S3 bucket of the media settings, else <dataDir>/updates.
  const config = loadConfig(env);
  const dataDir = values['data-dir'] ? pathArg(env, values['data-dir']) : config.dataDir;
  const store = new ReleaseStore(openReleaseFiles(dataDir, config.media?.s3), loadReleaseKey(values.key && pathArg(env, values.key), env));
  if (command === 'publish') {
    const platform = need(values, 'platform');
    if (!isPlatform(platform)) throw new UsageError(`unknown platform "${platform}" (linux, mac or win)`);
    const release = await store.publish({
      channel, platform, version, file: pathArg(env, need(values, 'file')), blockmap: values.blockmap && pathArg(env, values.blockmap),
      staging: values.staging === undefined ? undefined : percentOf(values.staging, 'staging'),
      notes: values.notes === undefined ? undefined : readFileSync(pathArg(env, values.notes), 'utf8').trim(),
      expectSha512: values.sha512,
    });
    print(JSON.stringify({ ok: true, published: { channel, ...release } }));
  } else if (command === 'staging') {
    const percent = percentOf(need(values, 'percent'), 'percent');
    const n = await store.setStaging(channel, version, percent);
    print(JSON.stringify({ ok: true, channel, version, stagingPercentage: percent, platforms: n }));
  } else {
    const n = await store.pull(channel, version);
    print(JSON.stringify({ ok: true, channel, version, pulled: true, platforms: n }));
  }
}
