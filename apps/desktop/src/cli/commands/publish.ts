// `publish <path|itemId> --title TEXT (--free | --subscribers | --price AMOUNT [--currency CUR]) [--at ISO]
// [--confirm]`: imports and transcodes if needed, checks the content labels, uploads the renditions (the
// `upload` job; resumes after a kill), and only then marks the post public (published now, or scheduled at
// --at) in the creator's catalog doc, and waits until the server's copy of the doc holds it.
// Prints {postId, mediaId, creatorId, status}. Order matters: fans never see a post whose media is missing.
import { existsSync } from 'node:fs';
import { CURRENCY_CODES, getPost, isCoreError, listPosts, parseAmount, type CurrencyCode, type Money } from '@fanz/core';
import type { Command } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { openCatalog, requireSignedIn } from '../account.js';
import { runJobsToCompletion } from '../run-jobs.js';
import { enqueueProcessing } from '../../main/services/jobs/media-process.js';
import { attachPublishing } from '../../main/services/publish/publishing.js';
import { waitForServerCopy } from '../../main/services/publish/server-confirm.js';
import { publishCheck } from '../../main/services/scoring/publish-check.js';
import { StudioApiError } from '../../shared/studio-api.js';
import type { MediaItem } from '../../main/services/library/library.js';
import type { Studio } from '../../main/services/studio.js';
import type { CommandContext } from '../command.js';

type Visibility = 'free' | 'subscribers' | 'pay_per_view';

function parseOptions(ctx: CommandContext): { target: string; title: string; visibility: Visibility; price: Money | null; at: Date | null; confirm: boolean } {
  const target = ctx.positionals[0];
  if (!target || ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, 'publish takes exactly one file path or library item id');
  const title = typeof ctx.values.title === 'string' ? ctx.values.title.trim() : '';
  if (!title) throw new CliError(EXIT.USAGE, '--title is required');
  const chosen = [ctx.values.free === true && 'free', ctx.values.subscribers === true && 'subscribers', ctx.values.price !== undefined && 'price'].filter(Boolean);
  if (chosen.length !== 1) throw new CliError(EXIT.USAGE, 'choose exactly one of --free, --subscribers or --price AMOUNT');
  let price: Money | null = null;
  const visibility: Visibility = ctx.values.free ? 'free' : ctx.values.subscribers ? 'subscribers' : 'pay_per_view';
  if (ctx.values.currency !== undefined && visibility !== 'pay_per_view') throw new CliError(EXIT.USAGE, '--currency goes with --price');
  if (visibility === 'pay_per_view') {
    const currency = String(ctx.values.currency ?? 'USD').toUpperCase();
    if (!(CURRENCY_CODES as readonly string[]).includes(currency)) throw new CliError(EXIT.USAGE, `--currency: unknown currency "${currency}" (an ISO 4217 code like USD)`);
    try {
      price = parseAmount(String(ctx.values.price), currency as CurrencyCode, { allowZero: false });
    } catch (err) {
      throw new CliError(EXIT.USAGE, `--price: ${isCoreError(err) ? err.message : String(err)}`);
    }
  }
  let at: Date | null = null;
  if (ctx.values.at !== undefined) {
    const text = String(ctx.values.at);
    // ISO 8601 with a date and a time; a bare date would be read as UTC midnight, which surprises people.
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) || Number.isNaN(Date.parse(text))) {
      throw new CliError(EXIT.USAGE, `--at: "${text.slice(0, 64)}" is not an ISO 8601 date and time (e.g. 2026-12-24T18:00:00Z)`);
    }
    at = new Date(text);
  }
  return { target, title, visibility, price, at, confirm: ctx.values.confirm === true };
}

/** The library item for a path or id: imported (and its transcode queued) when it is a new file. */
async function resolveItem(studio: Studio, target: string): Promise<MediaItem> {
  const byId = studio.lib.getItem(target);
  if (byId) return byId;
  if (!existsSync(target)) throw new CliError(EXIT.NOT_FOUND, `no library item or file named ${target}`);
  const r = await studio.import([target]);
  const skipped = r.skipped[0];
  if (skipped) throw new CliError(EXIT.FAILED, `cannot publish ${skipped.path}: ${skipped.reason}`);
  const item = r.imported[0] ?? r.duplicates[0]?.existing;
  if (!item) throw new CliError(EXIT.FAILED, `nothing to publish in ${target}`);
  return item;
}

export const publishCommand: Command = {
  name: 'publish',
  summary: 'Upload an item\'s renditions and publish it as a post (--price is in major units, e.g. 4.99, stored as minor units)',
  usage: 'publish <path|itemId> --title TEXT (--free | --subscribers | --price AMOUNT [--currency CUR]) [--at ISO-8601] [--confirm]',
  options: {
    title: { type: 'string' },
    free: { type: 'boolean' },
    subscribers: { type: 'boolean' },
    price: { type: 'string' },
    currency: { type: 'string' },
    at: { type: 'string' },
    confirm: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const opts = parseOptions(ctx);
    const studio = ctx.studio();
    const catalog = openCatalog(studio);
    try {
      const { serverUrl, userId } = requireSignedIn(catalog);
      if (opts.at && opts.at.getTime() < Date.now() - 60_000) throw new CliError(EXIT.USAGE, '--at is in the past; leave it out to publish now');
      let item = await resolveItem(studio, opts.target);

      // Renditions first (a new file, or one whose transcode never ran or failed).
      if (item.status !== 'ready') {
        const job = enqueueProcessing(studio.queue, item.id);
        const [done] = await runJobsToCompletion(studio, ctx.out, [job.id], ctx.signal);
        if (done?.state !== 'done') {
          if (done?.state === 'cancelled' || ctx.signal.aborted) return EXIT.CANCELLED;
          throw new CliError(EXIT.FAILED, `transcoding "${item.title}" failed: ${done?.error ?? 'unknown error'}`);
        }
        item = studio.lib.getItem(item.id) ?? item;
      }

      const check = publishCheck(studio.lib, { mediaIds: [item.id], teaserMediaId: null, thumbnailMediaId: null, visibility: opts.visibility });
      if (check.warnings.length > 0) {
        for (const w of check.warnings) ctx.out.note(`warning: ${w.message}`);
        if (!opts.confirm) {
          throw new CliError(EXIT.LABEL_WARNING, `the content label check warns (${check.warnings.length}); score the item (\`score ${item.id}\`) or pass --confirm to publish anyway`);
        }
      }

      // A draft first; an earlier run of this same publish that was interrupted left one to reuse.
      const earlier = listPosts(catalog.doc!).find(
        (p) => p.status === 'draft' && p.title === opts.title && p.media.length === 1 && p.media[0]?.mediaId === item.id,
      );
      const post = catalog.savePost({
        ...(earlier ? { id: earlier.id } : {}),
        title: opts.title,
        mediaIds: [item.id],
        visibility: opts.visibility,
        price: opts.price,
      });

      const publishing = attachPublishing(studio, catalog);
      const upload = publishing.enqueueUpload(item.id);
      ctx.out.note(`uploading "${item.title}" to ${serverUrl} (job ${upload.id})`);
      const [uploaded] = await runJobsToCompletion(studio, ctx.out, [upload.id], ctx.signal);
      if (uploaded?.state !== 'done') {
        if (uploaded?.state === 'cancelled' || ctx.signal.aborted) return EXIT.CANCELLED;
        throw new CliError(EXIT.FAILED, `upload failed: ${uploaded?.error ?? 'unknown error'}; the post ${post.id} stays a draft`);
      }

      const live = opts.at ? catalog.schedule(post.id, opts.at.toISOString()) : catalog.publish(post.id);
      ctx.out.note('waiting for the server to hold the post...');
      const held = await waitForServerCopy({
        serverUrl,
        docName: `creator:${userId}`,
        accessToken: () => catalog.getAccessToken(),
        holds: (doc) => getPost(doc, post.id)?.status === live.status,
        signal: ctx.signal,
      });
      const data = { postId: post.id, mediaId: item.id, creatorId: userId, status: live.status, ...(live.scheduledAt ? { scheduledAt: live.scheduledAt } : {}), synced: held };
      if (!held) {
        ctx.out.result(data, () => `post ${post.id} is ${live.status} here but the server has not confirmed it yet; it syncs when the studio next connects`);
        return EXIT.PARTIAL;
      }
      ctx.out.result(data, () => `${live.status}: post ${post.id} (media ${item.id}) for creator ${userId}`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof StudioApiError) {
        throw new CliError(err.code === 'VALIDATION_ERROR' ? EXIT.USAGE : err.code === 'NOT_SIGNED_IN' ? EXIT.NOT_SIGNED_IN : EXIT.FAILED, err.message);
      }
      throw err;
    } finally {
      catalog.close();
    }
  },
};
