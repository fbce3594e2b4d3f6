import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { itemLine } from '../present.js';
import { runJobsToCompletion } from '../run-jobs.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'Add files or folders (recursively) to the library and queue their processing',
  usage: 'import <paths...> [--wait] [--tag TAG]...',
  options: {
    wait: { type: 'boolean', default: false },
    tag: { type: 'string', multiple: true },
  },
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new CliError(EXIT.USAGE, 'import needs at least one path');
    const studio = ctx.studio();
    const r = await studio.import(ctx.positionals);
    const tags = (ctx.values.tag as string[] | undefined) ?? [];
    for (const item of r.imported) if (tags.length) studio.lib.addTags(item.id, tags);
    let jobs = r.jobs;
    if (ctx.values.wait && jobs.length > 0) {
      jobs = await runJobsToCompletion(studio, ctx.out, jobs.map((j) => j.id), ctx.signal);
    }
    const failedJobs = jobs.filter((j) => j.state === 'failed');
    const data = {
      dataDir: studio.dataDir,
      imported: r.imported.map((i) => ({ ...(studio.lib.getItem(i.id) ?? i), jobId: jobs.find((j) => j.itemId === i.id)?.id ?? null })),
      duplicates: r.duplicates.map((d) => ({ path: d.path, existingId: d.existing.id })),
      skipped: r.skipped,
      jobs: jobs.map((j) => ({ id: j.id, itemId: j.itemId, state: j.state, error: j.error })),
    };
    ctx.out.result(data, () =>
      [
        ...data.imported.map((i) => `imported  ${itemLine(i)}`),
        ...data.duplicates.map((d) => `duplicate ${d.path} (already ${d.existingId})`),
        ...data.skipped.map((s) => `skipped   ${s.path}: ${s.reason}`),
        ...failedJobs.map((j) => `failed    ${j.itemId}: ${j.error}`),
        `${data.imported.length} imported, ${data.duplicates.length} duplicate(s), ${data.skipped.length} skipped`,
      ].join('\n'),
    );
    const good = data.imported.length + data.duplicates.length - failedJobs.length;
    if (ctx.signal.aborted) return EXIT.CANCELLED;
    if (data.skipped.length === 0 && failedJobs.length === 0) return EXIT.OK;
    return good > 0 ? EXIT.PARTIAL : EXIT.FAILED;
  },
};
