import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { intOption } from '../options.js';
import { itemLine } from '../present.js';

export const searchCommand: Command = {
  name: 'search',
  summary: 'Full-text search over titles, file names and tags',
  usage: 'search <text> [--limit N]',
  options: { limit: { type: 'string' } },
  async run(ctx) {
    const text = ctx.positionals.join(' ').trim();
    if (!text) throw new CliError(EXIT.USAGE, 'search needs some text');
    const limit = intOption(ctx.values.limit, 'limit', 50, 500);
    const items = ctx.studio().lib.search(text, limit);
    ctx.out.result({ query: text, items }, () => (items.length ? items.map(itemLine).join('\n') : `no match for "${text}"`));
    return EXIT.OK;
  },
};
