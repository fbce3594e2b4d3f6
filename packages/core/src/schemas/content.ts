// What a creator publishes: posts (with media references), subscription tiers and VR experiences.
// These are also the shapes stored in the creator's catalog Yjs document (catalog-doc.ts).
import { z } from 'zod';
import { idSchema } from '../ids';
import { positiveMoneySchema } from '../money';
import { plainText, tagSchema, timestampSchema } from './common';

export const mediaRefSchema = z.object({
  mediaId: idSchema('med'),
  kind: z.enum(['video', 'image', 'audio']),
  /** Optional caption / alt text. */
  caption: plainText(300).optional(),
});

export const POST_VISIBILITIES = ['free', 'subscribers', 'pay_per_view'] as const;
export const POST_STATUSES = ['draft', 'scheduled', 'published'] as const;

const postFields = z.object({
  id: idSchema('post'),
  creatorId: idSchema('cr'),
  title: plainText(200, 1),
  description: plainText(5000).default(''),
  tags: z.array(tagSchema).max(30).default([]),
  media: z.array(mediaRefSchema).max(50).default([]),
  /**
   * The media shown publicly as the post's teaser and thumbnail (also for locked posts), chosen from `media`.
   * Null: none chosen. Optional so catalog docs written before these fields existed still parse.
   */
  teaserMediaId: idSchema('med').nullable().default(null),
  thumbnailMediaId: idSchema('med').nullable().default(null),
  visibility: z.enum(POST_VISIBILITIES),
  /** Required for pay_per_view, absent (null) otherwise. */
  price: positiveMoneySchema.nullable().default(null),
  /** For subscriber posts: the tiers that unlock it; empty means any tier of the creator. */
  tierIds: z.array(idSchema('tier')).max(20).default([]),
  status: z.enum(POST_STATUSES),
  /** When a scheduled post goes public. Required when status is "scheduled". */
  scheduledAt: timestampSchema.nullable().default(null),
  publishedAt: timestampSchema.nullable().default(null),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

type PostFields = z.infer<typeof postFields>;

function postRules(post: PostFields, ctx: z.RefinementCtx): void {
  if (post.visibility === 'pay_per_view' && post.price === null) {
    ctx.addIssue({ code: 'custom', path: ['price'], message: 'a pay-per-view post needs a price' });
  }
  if (post.visibility !== 'pay_per_view' && post.price !== null) {
    ctx.addIssue({ code: 'custom', path: ['price'], message: 'only pay-per-view posts have a price' });
  }
  // A teaser or thumbnail must be one of the post's own media, so nothing outside the post leaks publicly.
  for (const k of ['teaserMediaId', 'thumbnailMediaId'] as const) {
    const id = post[k];
    if (id !== null && !post.media.some((m) => m.mediaId === id)) {
      ctx.addIssue({ code: 'custom', path: [k], message: `the ${k === 'teaserMediaId' ? 'teaser' : 'thumbnail'} must be one of the post's media` });
    }
  }
  if (post.status === 'scheduled' && post.scheduledAt === null) {
    ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'a scheduled post needs scheduledAt' });
  }
  if (post.status === 'published' && post.publishedAt === null) {
    ctx.addIssue({ code: 'custom', path: ['publishedAt'], message: 'a published post needs publishedAt' });
  }
}

export const postSchema = postFields.superRefine(postRules);
export type Post = z.infer<typeof postSchema>;
/** A post as written by callers: fields with defaults may be left out. */
export type PostInput = z.input<typeof postSchema>;

export const tierSchema = z.object({
  id: idSchema('tier'),
  creatorId: idSchema('cr'),
  name: plainText(80, 1),
  price: positiveMoneySchema,
  interval: z.enum(['month', 'year']),
  benefits: z.array(plainText(200, 1)).max(20).default([]),
  active: z.boolean().default(true),
  createdAt: timestampSchema,
});
export type Tier = z.infer<typeof tierSchema>;
export type TierInput = z.input<typeof tierSchema>;

/** POST /api/v1/subscriptions body. */
export const createTierBodySchema = z.strictObject({
  name: plainText(80, 1),
  price: positiveMoneySchema,
  interval: z.enum(['month', 'year']),
  benefits: z.array(plainText(200, 1)).max(20).default([]),
});

export const VR_STATUSES = ['draft', 'published', 'cancelled'] as const;

export const vrExperienceSchema = z
  .object({
    id: idSchema('vr'),
    creatorId: idSchema('cr'),
    title: plainText(200, 1),
    description: plainText(5000).default(''),
    kind: z.enum(['meetup', 'show', 'tour']),
    startsAt: timestampSchema,
    durationMinutes: z.int().min(5).max(24 * 60),
    capacity: z.int().min(1).max(1000),
    visibility: z.enum(POST_VISIBILITIES),
    price: positiveMoneySchema.nullable().default(null),
    /** 3D scene / environment media (e.g. a glTF or 360° video). */
    media: z.array(mediaRefSchema).max(20).default([]),
    status: z.enum(VR_STATUSES),
    publishedAt: timestampSchema.nullable().default(null),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .superRefine((vr, ctx) => {
    if (vr.visibility === 'pay_per_view' && vr.price === null) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'a pay-per-view experience needs a price' });
    }
    if (vr.visibility !== 'pay_per_view' && vr.price !== null) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: 'only pay-per-view experiences have a price' });
    }
  });
export type VrExperience = z.infer<typeof vrExperienceSchema>;
export type VrExperienceInput = z.input<typeof vrExperienceSchema>;
