// Turns a creator's posts into model features. Posting time is the creator's local weekday and part of the
// day; weekday x daypart slots are features of their own so that an effect like "Tuesday evenings" can be
// learned even when neither Tuesdays nor evenings alone stand out.
import { z } from 'zod';

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const DAYPARTS = [
  { name: 'night', from: 0, to: 5 },
  { name: 'morning', from: 6, to: 11 },
  { name: 'afternoon', from: 12, to: 17 },
  { name: 'evening', from: 18, to: 23 },
] as const;
export const POST_TYPES = ['video', 'photo', 'text'] as const;

const money = z.object({ amount: z.number().int().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/) });

export const draftPostSchema = z.object({
  type: z.enum(POST_TYPES),
  durationSec: z.number().nonnegative().default(0),
  tags: z.array(z.string().min(1)).default([]),
  price: money,
  /** When it was (or will be) posted; weekday and hour are taken in the creator's time zone. */
  postedAt: z.iso.datetime({ offset: true }),
  /** Technical quality 0..1 (e.g. the best frame's exposure score); 0.5 when unknown. */
  quality: z.number().min(0).max(1).optional(),
});

export const historyPostSchema = draftPostSchema.extend({
  id: z.string().min(1),
  outcomes: z.object({ views: z.number().int().nonnegative(), purchases: z.number().int().nonnegative(), revenue: money }),
});

export type DraftPost = z.input<typeof draftPostSchema>;
export type HistoryPost = z.input<typeof historyPostSchema>;

export interface PostTime {
  weekday: number; // 0 = Sunday
  hour: number;
  daypart: number; // index into DAYPARTS
}

export function localPostTime(postedAt: string, utcOffsetMinutes: number): PostTime {
  const d = new Date(Date.parse(postedAt) + utcOffsetMinutes * 60_000);
  const hour = d.getUTCHours();
  return { weekday: d.getUTCDay(), hour, daypart: DAYPARTS.findIndex((p) => hour >= p.from && hour <= p.to) };
}

export function slotName(weekday: number, daypart: number): string {
  const p = DAYPARTS[daypart]!;
  return `${WEEKDAYS[weekday]} ${p.name}`;
}

/** The feature layout for one creator: fixed columns plus the tags common enough to learn from. */
export class FeatureSpace {
  readonly names: string[];

  constructor(readonly tagVocabulary: string[]) {
    this.names = [
      ...POST_TYPES.map((t) => `type:${t}`),
      'log1p(duration_s)',
      'log1p(price_minor)',
      'quality',
      ...WEEKDAYS.map((d) => `weekday:${d}`),
      ...DAYPARTS.map((p) => `daypart:${p.name}`),
      ...WEEKDAYS.flatMap((_, w) => DAYPARTS.map((_, p) => `slot:${slotName(w, p)}`)),
      ...tagVocabulary.map((t) => `tag:${t}`),
    ];
  }

  static fromHistory(posts: z.output<typeof historyPostSchema>[], minTagPosts: number, maxTags = 40): FeatureSpace {
    const counts = new Map<string, number>();
    for (const p of posts) for (const t of new Set(p.tags)) counts.set(t, (counts.get(t) ?? 0) + 1);
    const vocab = [...counts.entries()]
      .filter(([, n]) => n >= minTagPosts)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, maxTags)
      .map(([t]) => t);
    return new FeatureSpace(vocab);
  }

  row(post: z.output<typeof draftPostSchema>, time: PostTime): number[] {
    const tags = new Set(post.tags);
    return [
      ...POST_TYPES.map((t) => (post.type === t ? 1 : 0)),
      Math.log1p(post.durationSec),
      Math.log1p(post.price.amount),
      post.quality ?? 0.5,
      ...WEEKDAYS.map((_, w) => (time.weekday === w ? 1 : 0)),
      ...DAYPARTS.map((_, p) => (time.daypart === p ? 1 : 0)),
      ...WEEKDAYS.flatMap((_, w) => DAYPARTS.map((_, p) => (time.weekday === w && time.daypart === p ? 1 : 0))),
      ...this.tagVocabulary.map((t) => (tags.has(t) ? 1 : 0)),
    ];
  }
}
