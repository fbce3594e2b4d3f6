// Creators and fans as the domain sees them (not credentials: the server's auth owns passwords and tokens).
import { z } from 'zod';
import { idSchema } from '../ids';
import { plainText, timestampSchema, usernameSchema } from './common';

export const creatorSchema = z.object({
  id: idSchema('cr'),
  userId: idSchema('usr'),
  username: usernameSchema,
  displayName: plainText(50, 1),
  bio: plainText(500).default(''),
  avatarMediaId: idSchema('med').nullable().default(null),
  categories: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/)).max(10).default([]),
  createdAt: timestampSchema,
});

export const fanSchema = z.object({
  id: idSchema('fan'),
  userId: idSchema('usr'),
  username: usernameSchema,
  displayName: plainText(50, 1),
  createdAt: timestampSchema,
});

export type Creator = z.infer<typeof creatorSchema>;
export type Fan = z.infer<typeof fanSchema>;
