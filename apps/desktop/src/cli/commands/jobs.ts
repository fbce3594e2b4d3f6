import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { intOption } from '../options.js';
import type { JobState } from '../../main/services/jobs/queue.js';
import { jobLine } from '../present.js';
import { runJobsToCompletion } from '../run-jobs.js';
import { openCatalog } from '../account.js';
import { attachPublishing } from '../../main/services/publish/publishing.js';

const STATES = new Set(['queued', 'running', 'done', 'failed', 'cancelled']);

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'List jobs; `jobs run` works through the queue, `jobs cancel|retry <id>`',
  usage: 'jobs [--state S] [--limit N] | jobs run | jobs cancel <id> | jobs retry <id>',
  options: { state: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    const [sub, id] = ctx.positionals;
    const studio = ctx.studio();
    const { queue } = studio;
    if (sub === 'run') {
      // Upload jobs need the account's tokens; without a sign-in they stay queued for later.
      const catalog = openCatalog(studio);
      if (catalog.session().signedIn) attachPublishing(studio, catalog);
      const done = await runJobsToCompletion(studio, ctx.out, null, ctx.signal).finally(() => catalog.close());
      const failed = done.filter((j) => j.state === 'failed');
      ctx.out.result({ jobs: done }, () => [...done.map(jobLine), `${done.length} job(s) finished, ${failed.length} failed`].join('\n'));
      if (ctx.signal.aborted) return EXIT.CANCELLED;
      return failed.length === 0 ? EXIT.OK : failed.length < done.length ? EXIT.PARTIAL : EXIT.FAILED;
    }
    if (sub === 'cancel' || sub === 'retry') {
      if (!id) throw new CliError(EXIT.USAGE, `jobs ${sub} needs a job id`);
      const before = queue.get(id);
      if (!before) throw new CliError(EXIT.NOT_FOUND, `no job ${id}`);
      const after = sub === 'cancel' ? queue.cancel(id) : queue.retry(id);
      ctx.out.result({ job: after }, () => (after ? jobLine(after) : ''));
      const changed = sub === 'cancel' ? ['queued', 'running'].includes(before.state) : ['failed', 'cancelled'].includes(before.state);
      if (!changed) ctx.out.note(`job ${id} is ${before.state}; nothing to ${sub}`);
      return changed ? EXIT.OK : EXIT.FAILED;
    }
    if (sub !== undefined) throw new CliError(EXIT.USAGE, `unknown jobs subcommand ${sub}`);
    const state = ctx.values.state as string | undefined;
    if (state !== undefined && !STATES.has(state)) throw new CliError(EXIT.USAGE, `--state must be one of ${[...STATES].join(', ')}`);
    const limit = intOption(ctx.values.limit, 'limit', 100, 1000);
    const jobs = queue.list({ ...(state ? { state: state as JobState } : {}), limit });
    ctx.out.result({ jobs }, () => (jobs.length ? jobs.map(jobLine).join('\n') : 'no jobs'));
    return EXIT.OK;
  },
};
