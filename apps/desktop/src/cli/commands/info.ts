import { join } from 'node:path';
import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { itemLine, jobLine } from '../present.js';
import { describeBinaries } from '../../main/services/media/binaries.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Everything about one item: metadata, renditions, tags, scores, jobs, near-duplicates',
  usage: 'info <id>',
  async run(ctx) {
    const id = ctx.positionals[0];
    if (!id || ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, 'info takes exactly one item id');
    const studio = ctx.studio();
    const item = studio.lib.getItem(id);
    if (!item) throw new CliError(EXIT.NOT_FOUND, `no library item ${id}`);
    const renditions = studio.lib.renditions(id).map((r) => ({ ...r, absolutePath: join(studio.dataDir, r.path) }));
    const master = renditions.find((r) => r.kind === 'hls_master');
    let binaries: string | null = null;
    try {
      binaries = describeBinaries(studio.binaries());
    } catch (err) {
      binaries = (err as Error).message;
    }
    const data = {
      item,
      tags: studio.lib.tags(id),
      scores: studio.lib.scores(id),
      renditions,
      masterPlaylist: master?.absolutePath ?? null,
      jobs: studio.queue.list({ itemId: id }),
      nearDuplicates: studio.lib.nearDuplicates(id).map((d) => ({ id: d.item.id, title: d.item.title, distance: d.distance })),
      binaries,
    };
    ctx.out.result(data, () =>
      [
        itemLine(item),
        `path: ${item.path}`,
        ...(item.error ? [`error: ${item.error}`] : []),
        ...(data.tags.length ? [`tags: ${data.tags.join(', ')}`] : []),
        ...renditions.map((r) => `  ${r.kind.padEnd(12)} ${r.width && r.height ? `${r.width}x${r.height}` : ''} ${r.absolutePath}`),
        ...data.jobs.map((j) => `  job ${jobLine(j)}`),
        ...data.nearDuplicates.map((d) => `  near-duplicate ${d.id} (distance ${d.distance.toFixed(1)}) ${d.title}`),
      ].join('\n'),
    );
    return EXIT.OK;
  },
};
