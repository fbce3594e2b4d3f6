// The creator's catalog as a Yjs document (doc name `creator:<creatorId>`), edited offline on the desktop
// and synced to the server, which derives the public catalog from it and runs the schedule.
//
// Layout (version 1):
//   doc.getMap('meta')   : { version: 1, creatorId }
//   doc.getMap('posts')  : postId -> Y.Map of the post's fields (each field a JSON value)
//   doc.getMap('tiers')  : tierId -> Y.Map of the tier's fields
//   doc.getMap('vr')     : vrId   -> Y.Map of the VR experience's fields
// One Y.Map per item (not one JSON blob) so two devices editing different fields of the same post merge
// instead of one overwriting the other. The schedule is not a separate structure: it is each post's
// status + scheduledAt, so the schedule and the posts can never disagree; the schedule helpers below edit
// those fields.
//
// Writers validate with the zod schemas and throw CoreError('INVALID_ARGUMENT') on bad input (the doc is
// left unchanged). Readers never trust the doc (it arrives from the network): items that fail validation
// are reported in `invalid` and left out, never published.
import * as Y from 'yjs';
import type { z } from 'zod';
import { CoreError } from './errors';
import type { Post, PostInput, Tier, TierInput, VrExperience, VrExperienceInput } from './schemas/content';
import { postSchema, tierSchema, vrExperienceSchema } from './schemas/content';

export const CATALOG_DOC_VERSION = 1;

export function catalogDocName(creatorId: string): string {
  return `creator:${creatorId}`;
}

/** Sets the doc's version and owner. Refuses to re-own a doc that belongs to another creator. */
export function initCatalogDoc(doc: Y.Doc, creatorId: string): void {
  const meta = doc.getMap<unknown>('meta');
  const owner = meta.get('creatorId');
  if (owner !== undefined && owner !== creatorId) {
    throw new CoreError('INVALID_ARGUMENT', `catalog doc belongs to ${String(owner)}, not ${creatorId}`);
  }
  doc.transact(() => {
    if (meta.get('version') !== CATALOG_DOC_VERSION) meta.set('version', CATALOG_DOC_VERSION);
    if (owner === undefined) meta.set('creatorId', creatorId);
  });
}

export function catalogOwner(doc: Y.Doc): string | undefined {
  const v = doc.getMap<unknown>('meta').get('creatorId');
  return typeof v === 'string' ? v : undefined;
}

export interface InvalidItem {
  collection: 'posts' | 'tiers' | 'vr';
  id: string;
  reason: string;
}

type CollectionName = InvalidItem['collection'];

function issueText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

function rawItem(value: unknown): Record<string, unknown> | null {
  if (value instanceof Y.Map) return value.toJSON() as Record<string, unknown>;
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  return null;
}

/** A typed view over one of the doc's collections. */
class Collection<T extends { id: string; creatorId: string }, I> {
  constructor(
    private readonly name: CollectionName,
    private readonly schema: z.ZodType<T, I>,
  ) {}

  private map(doc: Y.Doc): Y.Map<unknown> {
    return doc.getMap<unknown>(this.name);
  }

  private validate(doc: Y.Doc, input: unknown): T {
    const parsed = this.schema.safeParse(input);
    if (!parsed.success) {
      throw new CoreError('INVALID_ARGUMENT', `invalid ${this.name} item: ${issueText(parsed.error)}`, {
        issues: parsed.error.issues,
      });
    }
    const owner = catalogOwner(doc);
    if (owner !== undefined && parsed.data.creatorId !== owner) {
      throw new CoreError('INVALID_ARGUMENT', `item belongs to ${parsed.data.creatorId}, but this catalog is ${owner}'s`);
    }
    return parsed.data;
  }

  /** Validates and writes the whole item, changing only the fields that differ. Returns the stored item. */
  put(doc: Y.Doc, input: I): T {
    const item = this.validate(doc, input);
    const map = this.map(doc);
    doc.transact(() => {
      let fields = map.get(item.id);
      if (!(fields instanceof Y.Map)) {
        fields = new Y.Map<unknown>();
        map.set(item.id, fields);
      }
      const ymap = fields as Y.Map<unknown>;
      const record = item as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(record)) {
        if (value === undefined) continue;
        if (JSON.stringify(ymap.get(key)) !== JSON.stringify(value)) ymap.set(key, value);
      }
      for (const key of Array.from(ymap.keys())) if (!(key in record) || record[key] === undefined) ymap.delete(key);
    });
    return item;
  }

  /** Applies a partial change to an existing item (validated as a whole); updatedAt defaults to now. */
  update(doc: Y.Doc, id: string, patch: Partial<I>, now: Date = new Date()): T {
    const current = rawItem(this.map(doc).get(id));
    if (!current) throw new CoreError('INVALID_ARGUMENT', `no ${this.name} item with id ${id}`);
    const next: Record<string, unknown> = { ...current, ...patch, id };
    if ('updatedAt' in current && !('updatedAt' in patch)) next.updatedAt = now.toISOString();
    return this.put(doc, next as I);
  }

  get(doc: Y.Doc, id: string): T | undefined {
    const raw = rawItem(this.map(doc).get(id));
    if (!raw) return undefined;
    const parsed = this.schema.safeParse(raw);
    return parsed.success ? parsed.data : undefined;
  }

  delete(doc: Y.Doc, id: string): boolean {
    const map = this.map(doc);
    if (!map.has(id)) return false;
    map.delete(id);
    return true;
  }

  /** Every item, validated; bad ones are listed in `invalid` with the reason. Sorted by id (creation time). */
  read(doc: Y.Doc): { items: T[]; invalid: InvalidItem[] } {
    const owner = catalogOwner(doc);
    const items: T[] = [];
    const invalid: InvalidItem[] = [];
    for (const [key, value] of this.map(doc).entries()) {
      const raw = rawItem(value);
      if (!raw) {
        invalid.push({ collection: this.name, id: key, reason: 'not an object' });
        continue;
      }
      const parsed = this.schema.safeParse(raw);
      if (!parsed.success) invalid.push({ collection: this.name, id: key, reason: issueText(parsed.error) });
      else if (parsed.data.id !== key) invalid.push({ collection: this.name, id: key, reason: `stored under ${key} but has id ${parsed.data.id}` });
      else if (owner !== undefined && parsed.data.creatorId !== owner) {
        invalid.push({ collection: this.name, id: key, reason: `belongs to ${parsed.data.creatorId}, not the catalog owner ${owner}` });
      } else items.push(parsed.data);
    }
    items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { items, invalid };
  }

  list(doc: Y.Doc): T[] {
    return this.read(doc).items;
  }
}

const posts = new Collection<Post, PostInput>('posts', postSchema);
const tiers = new Collection<Tier, TierInput>('tiers', tierSchema);
const vr = new Collection<VrExperience, VrExperienceInput>('vr', vrExperienceSchema);

export const putPost = (doc: Y.Doc, post: PostInput): Post => posts.put(doc, post);
export const updatePost = (doc: Y.Doc, id: string, patch: Partial<PostInput>, now?: Date): Post => posts.update(doc, id, patch, now);
export const getPost = (doc: Y.Doc, id: string): Post | undefined => posts.get(doc, id);
export const deletePost = (doc: Y.Doc, id: string): boolean => posts.delete(doc, id);
export const listPosts = (doc: Y.Doc): Post[] => posts.list(doc);
export const readPosts = (doc: Y.Doc) => posts.read(doc);

export const putTier = (doc: Y.Doc, tier: TierInput): Tier => tiers.put(doc, tier);
export const updateTier = (doc: Y.Doc, id: string, patch: Partial<TierInput>): Tier => tiers.update(doc, id, patch);
export const getTier = (doc: Y.Doc, id: string): Tier | undefined => tiers.get(doc, id);
export const deleteTier = (doc: Y.Doc, id: string): boolean => tiers.delete(doc, id);
export const listTiers = (doc: Y.Doc): Tier[] => tiers.list(doc);

export const putVrExperience = (doc: Y.Doc, item: VrExperienceInput): VrExperience => vr.put(doc, item);
export const updateVrExperience = (doc: Y.Doc, id: string, patch: Partial<VrExperienceInput>, now?: Date): VrExperience =>
  vr.update(doc, id, patch, now);
export const getVrExperience = (doc: Y.Doc, id: string): VrExperience | undefined => vr.get(doc, id);
export const deleteVrExperience = (doc: Y.Doc, id: string): boolean => vr.delete(doc, id);
export const listVrExperiences = (doc: Y.Doc): VrExperience[] => vr.list(doc);

// ---- The schedule (posts' status + scheduledAt) ----

function toDate(t: Date | number | string): Date {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) throw new CoreError('INVALID_ARGUMENT', `invalid time: ${String(t)}`);
  return d;
}

/** Schedules a post to go public at `at`. */
export function schedulePost(doc: Y.Doc, postId: string, at: Date | string): Post {
  return updatePost(doc, postId, { status: 'scheduled', scheduledAt: toDate(at).toISOString(), publishedAt: null });
}

/** Takes a post off the schedule (back to draft). */
export function unschedulePost(doc: Y.Doc, postId: string): Post {
  return updatePost(doc, postId, { status: 'draft', scheduledAt: null });
}

/** Publishes a post now (or at the given time). */
export function publishPost(doc: Y.Doc, postId: string, at: Date | string = new Date()): Post {
  return updatePost(doc, postId, { status: 'published', publishedAt: toDate(at).toISOString() });
}

/** Scheduled posts, soonest first. */
export function listSchedule(doc: Y.Doc): { postId: string; scheduledAt: string }[] {
  return scheduleOf(listPosts(doc));
}

/** The schedule of posts already read (`listPosts`), soonest first: one read of the document for several views. */
export function scheduleOf(posts: readonly Post[]): { postId: string; scheduledAt: string }[] {
  return posts
    .filter((p) => p.status === 'scheduled' && p.scheduledAt !== null)
    .map((p) => ({ postId: p.id, scheduledAt: p.scheduledAt! }))
    .sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt) || (a.postId < b.postId ? -1 : 1));
}

/**
 * What the server's scheduler runs: marks every scheduled post whose time has come as published (with
 * publishedAt = its scheduled time), in one transaction. Returns the ids it published.
 */
export function publishDuePosts(doc: Y.Doc, now: Date | number | string): string[] {
  const t = toDate(now).getTime();
  const due = listSchedule(doc).filter((s) => Date.parse(s.scheduledAt) <= t);
  doc.transact(() => {
    for (const s of due) {
      updatePost(doc, s.postId, { status: 'published', publishedAt: s.scheduledAt }, new Date(t));
    }
  });
  return due.map((s) => s.postId);
}

// ---- The public catalog ----

export type PublicPost = Pick<
  Post,
  | 'id'
  | 'creatorId'
  | 'title'
  | 'description'
  | 'tags'
  | 'media'
  | 'teaserMediaId'
  | 'thumbnailMediaId'
  | 'visibility'
  | 'price'
  | 'tierIds'
> & { publishedAt: string };

export interface PublicCatalog {
  creatorId: string | null;
  generatedAt: string;
  /** Published posts, newest first. Media of paid posts is listed by id; the server gates the files. */
  posts: PublicPost[];
  /** Active tiers, cheapest first. */
  tiers: Tier[];
  /** Published VR experiences that have not ended, soonest first. */
  vrExperiences: VrExperience[];
  /** Items left out because they failed validation (never published). */
  invalid: InvalidItem[];
}

/**
 * The public view of a catalog at time `now`: published posts, plus scheduled posts whose time has passed
 * (visible even if the scheduler has not flipped them yet). Drafts, future scheduled posts and invalid
 * items never appear.
 */
export function derivePublicCatalog(doc: Y.Doc, now: Date | number | string): PublicCatalog {
  const t = toDate(now).getTime();
  const postRead = posts.read(doc);
  const tierRead = tiers.read(doc);
  const vrRead = vr.read(doc);

  const publicPosts: PublicPost[] = [];
  for (const p of postRead.items) {
    let publishedAt: string | null = null;
    if (p.status === 'published') publishedAt = p.publishedAt;
    else if (p.status === 'scheduled' && p.scheduledAt !== null && Date.parse(p.scheduledAt) <= t) publishedAt = p.scheduledAt;
    if (publishedAt === null) continue;
    publicPosts.push({
      id: p.id,
      creatorId: p.creatorId,
      title: p.title,
      description: p.description,
      tags: p.tags,
      media: p.media,
      teaserMediaId: p.teaserMediaId,
      thumbnailMediaId: p.thumbnailMediaId,
      visibility: p.visibility,
      price: p.price,
      tierIds: p.tierIds,
      publishedAt,
    });
  }
  publicPosts.sort((a, b) => Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || (a.id < b.id ? 1 : -1));

  const activeTiers = tierRead.items
    .filter((x) => x.active)
    .sort((a, b) => a.price.amount - b.price.amount || (a.id < b.id ? -1 : 1));

  const upcomingVr = vrRead.items
    .filter((x) => x.status === 'published' && Date.parse(x.startsAt) + x.durationMinutes * 60_000 > t)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));

  return {
    creatorId: catalogOwner(doc) ?? null,
    generatedAt: new Date(t).toISOString(),
    posts: publicPosts,
    tiers: activeTiers,
    vrExperiences: upcomingVr,
    invalid: [...postRead.invalid, ...tierRead.invalid, ...vrRead.invalid],
  };
}
