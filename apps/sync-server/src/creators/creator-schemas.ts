// Shapes of the creator profile routes. The public profile carries no private field (no email, role
// internals or timestamps beyond what a fan page shows).
import { plainText, usernameSchema } from '@fanz/core';
import { z } from 'zod';

export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;

export const publicProfileSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  bio: z.string(),
  /** Absolute path on this server, or null when the creator has not set one. */
  avatarUrl: z.string().nullable(),
});
export type PublicProfile = z.infer<typeof publicProfileSchema>;

export const usernameParams = z.object({ username: usernameSchema });

export const profileUpdateSchema = z
  .strictObject({
    displayName: plainText(50, 1).optional(),
    bio: plainText(500).optional(),
  })
  .refine((b) => b.displayName !== undefined || b.bio !== undefined, { message: 'send displayName, bio or both' });
