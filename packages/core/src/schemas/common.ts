// Field schemas the domain schemas share: timestamps, plain text, tags.
import { z } from 'zod';

/** ISO 8601 UTC or offset timestamp, e.g. "2030-01-02T10:00:00.000Z". */
export const timestampSchema = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time like 2030-01-02T10:00:00Z' });

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const NO_MARKUP = /^[^<>\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;

/** Text shown to other people: trimmed, bounded, no HTML tags or control characters. */
export function plainText(max: number, min = 0) {
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(NO_MARKUP, { message: 'must be plain text (no HTML tags or control characters)' });
}

export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,39}$/u, { message: 'tags are 1-40 letters, digits, "-" or "_"' });

export const usernameSchema = z
  .string()
  .min(3)
  .max(30)
  .regex(/^[A-Za-z0-9_]+$/, { message: 'letters, digits and underscores only' });
