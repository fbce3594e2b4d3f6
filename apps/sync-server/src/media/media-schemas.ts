// zod schemas of the media API (docs/media-contract: upload metadata, GET media, complete, playback), so
// one definition validates requests and feeds the OpenAPI document.
import { z } from 'zod';
import { idSchema } from '@fanz/core';
import { mediaPathSchema } from './media-paths.js';

export const mediaIdSchema = idSchema('med');
export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256 (64 characters)');

/** tus Upload-Metadata of one file. Unknown keys (tus-js-client adds filename/filetype) are ignored. */
export const uploadMetadataSchema = z.object({
  mediaId: mediaIdSchema,
  path: mediaPathSchema,
  sha256: sha256Schema,
});
export type UploadMetadata = z.infer<typeof uploadMetadataSchema>;

export const FILE_ROLES = ['hls_master', 'hls_variant', 'hls_init', 'hls_segment', 'poster', 'preview', 'sprite', 'sprite_vtt', 'teaser', 'photo'] as const;
export type FileRole = (typeof FILE_ROLES)[number];

export const manifestFileSchema = z.strictObject({
  path: mediaPathSchema,
  sha256: sha256Schema,
  size: z.number().int().nonnegative(),
  role: z.enum(FILE_ROLES),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

export const completeBodySchema = z.strictObject({
  kind: z.enum(['video', 'image']),
  files: z
    .array(manifestFileSchema)
    .min(1)
    .max(20_000)
    .superRefine((files, ctx) => {
      const seen = new Set<string>();
      for (const [i, f] of files.entries()) {
        if (seen.has(f.path)) ctx.addIssue({ code: 'custom', path: [i, 'path'], message: `${f.path} is listed twice` });
        seen.add(f.path);
      }
    }),
});
export type CompleteBody = z.infer<typeof completeBodySchema>;

export const mediaParamsSchema = z.object({ mediaId: mediaIdSchema });

export const mediaInfoSchema = z.object({
  mediaId: z.string(),
  creatorId: z.string(),
  kind: z.enum(['video', 'image']).nullable(),
  status: z.enum(['uploading', 'ready']),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
  bytes: z.number(),
});

export const completeResultSchema = z.object({ mediaId: z.string(), status: z.literal('ready') });

export const playbackSchema = z.object({
  url: z.string(),
  expiresAt: z.string(),
  kind: z.enum(['video', 'image']),
  posterUrl: z.string(),
  thumbnailsUrl: z.string().nullable(),
});
