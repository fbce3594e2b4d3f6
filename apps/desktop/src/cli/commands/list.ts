import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { intOption } from '../options.js';
import { itemLine } from '../present.js';

export const listCommand: Command = {
  name: 'list',
  summary: 'List library items, newest first (one page)',
  usage: 'list [--limit N] [--cursor C] [--kind video|photo]',
  options: {
    limit: { type: 'string' },
    cursor: { type: 'string' },
    kind: { type: 'string' },
  },
  async run(ctx) {
    const limit = intOption(ctx.values.limit, 'limit', 50, 500);
    const kind = ctx.values.kind as string | undefined;
    if (kind !== undefined && kind !== 'video' && kind !== 'photo') throw new CliError(EXIT.USAGE, '--kind must be video or photo');
    const studio = ctx.studio();
    let page;
    try {
      page = studio.lib.list({ limit, cursor: (ctx.values.cursor as string | undefined) ?? null, ...(kind ? { kind } : {}) });
    } catch (err) {
      throw new CliError(EXIT.USAGE, (err as Error).message);
    }
    const total = studio.lib.count();
    ctx.out.result({ items: page.items, nextCursor: page.nextCursor, total }, () =>
      [...page.items.map(itemLine), `${page.items.length} of ${total}${page.nextCursor ? ` (next: --cursor ${page.nextCursor})` : ''}`].join('\n'),
    );
    return EXIT.OK;
  },
};
