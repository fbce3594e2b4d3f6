// The update channel with releases in an S3-compatible bucket (the media settings MEDIA_S3_ENDPOINT +
// MEDIA_S3_BUCKET), against s3rver on a free port: the real `npm run -s release` publishes into the bucket
// and the running server serves the signed feed and ranged artifact bytes from it at once.
import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type MediaConfig } from '../src/config.js';
import { buildServer, type FanzServer } from '../src/server.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const BUCKET = 'fanz-updates';

describe('update channel on S3 (s3rver)', () => {
  let dir: string;
  let s3: S3rver;
  let s3cfg: NonNullable<MediaConfig['s3']>;
  let server: FanzServer;
  let base: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fanz-updates-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', directory: join(dir, 's3'), silent: true, configureBuckets: [{ name: BUCKET }] });
    const { port } = await s3.run();
    s3cfg = { endpoint: `http://127.0.0.1:${port}`, bucket: BUCKET, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
    server = await buildServer({ ...loadConfig({}), port: 0, host: '127.0.0.1', dataDir: join(dir, 'server'), logLevel: 'silent', media: { s3: s3cfg } }, { logger: false });
    base = await server.listen();
    env = { MEDIA_S3_ENDPOINT: s3cfg.endpoint, MEDIA_S3_BUCKET: BUCKET, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', FANZ_DATA_DIR: join(dir, 'cli-data') };
  });
  afterAll(async () => {
    await server?.close();
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes into the bucket and serves the signed feed and exact ranges from it', async () => {
    // Asynchronous: s3rver runs in this process, so a synchronous spawn would leave the CLI unanswered.
    const release = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('npm', ['run', '-s', 'release', '--', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const keygen = await release(['keygen', '--out', join(dir, 'op.key')]);
    expect(keygen.status, keygen.stderr).toBe(0);
    const publicKey = (JSON.parse(keygen.stdout) as { publicKey: string }).publicKey;
    const app = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 256));
    writeFileSync(join(dir, 'FANZ-Studio-2.0.0.exe'), app);
    const pub = await release(['publish', '--channel', 'latest', '--version', '2.0.0', '--platform', 'win', '--file', join(dir, 'FANZ-Studio-2.0.0.exe'), '--key', join(dir, 'op.key')]);
    expect(pub.status, pub.stderr).toBe(0);

    const client = new S3Client({ endpoint: s3cfg.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const keys = ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'updates/' }))).Contents ?? []).map((o) => o.Key);
    client.destroy();
    expect(keys).toEqual(expect.arrayContaining(['updates/latest/files/FANZ-Studio-2.0.0.exe', 'updates/latest/feeds/latest.yml', 'updates/public-key']));

    const feed = Buffer.from(await (await fetch(`${base}/updates/latest/latest.yml`)).arrayBuffer());
    expect(feed.toString()).toMatch(/^version: 2\.0\.0$/m);
    const sig = await (await fetch(`${base}/updates/latest/latest.yml.sig`)).text();
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKey, 'base64')]);
    expect(verify(null, feed, createPublicKey({ key: spki, format: 'der', type: 'spki' }), Buffer.from(sig, 'base64'))).toBe(true);

    const part = await fetch(`${base}/updates/latest/FANZ-Studio-2.0.0.exe`, { headers: { range: 'bytes=100-4195' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(app.subarray(100, 4196))).toBe(true);
    const multi = await fetch(`${base}/updates/latest/FANZ-Studio-2.0.0.exe`, { headers: { range: 'bytes=0-1,10-11' } });
    expect(multi.status).toBe(206);
    const body = Buffer.from(await multi.arrayBuffer());
    expect(body.includes(app.subarray(10, 12))).toBe(true);
    expect(Number(multi.headers.get('content-length'))).toBe(body.length);
    expect((await fetch(`${base}/updates/latest/nothing.exe`)).status).toBe(404);
  });
});
