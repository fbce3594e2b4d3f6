// Request and response shapes of the auth and device routes. Strict objects: unknown fields are a
// validation error, not silently dropped. Text that users show to others must not carry HTML.
import { plainText, usernameSchema } from '@fanz/core';
import { z } from 'zod';

export const roleSchema = z.enum(['creator', 'fan']);
export { usernameSchema };
export const emailSchema = z.email().max(254);
// OWASP: at least 8 characters, allow long passphrases, cap to bound hashing work.
export const passwordSchema = z.string().min(8).max(128);
export const categorySchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/, { message: 'lowercase slug, 1-30 chars' });

export const registerBody = z.strictObject({
  role: roleSchema,
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
  displayName: plainText(50, 1),
  bio: plainText(500).optional(),
  categories: z.array(categorySchema).max(10).optional(),
});

export const loginBody = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(128),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(1).max(4096) });
export const logoutBody = z.strictObject({ refreshToken: z.string().min(1).max(4096).optional() });

export const publicUser = z.object({ id: z.string(), role: roleSchema, username: z.string() });
export const authResult = z.object({ user: publicUser, accessToken: z.string(), refreshToken: z.string() });

export const deviceBody = z.strictObject({
  publicKey: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, { message: 'a 32-byte Ed25519 public key, base64url without padding' }),
  name: plainText(100, 1),
});
export const deviceResult = z.object({ keyId: z.string() });
export const deviceList = z.object({
  devices: z.array(z.object({ keyId: z.string(), name: z.string(), publicKey: z.string(), createdAt: z.string() })),
});

export type RegisterBody = z.infer<typeof registerBody>;
export type LoginBody = z.infer<typeof loginBody>;
export type AuthResult = z.infer<typeof authResult>;
