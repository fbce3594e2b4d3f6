// Process entry of the release CLI (see release-cli.ts); root `npm run -s release -- ...` lands here.
import { ReleaseError } from './release-store.js';
import { runRelease, USAGE, UsageError } from './release-cli.js';

runRelease(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error & { code?: string }) => {
    const usage = err instanceof UsageError || String(err.code ?? '').startsWith('ERR_PARSE_ARGS');
    const code = usage ? 'USAGE' : err instanceof ReleaseError ? 'REFUSED' : 'FAILED';
    process.stderr.write(`release: ${err.message}\n${usage ? `${USAGE}\n` : ''}`);
    process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message: err.message } })}\n`);
    process.exit(usage ? 2 : 1);
  },
);
