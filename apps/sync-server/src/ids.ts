// Prefixed random ids (`usr_…`, `ses_…`). A local stand-in until @fanz/core exports newId; same shape:
// a short prefix, an underscore, then time-ordered base36 plus 80 random bits, URL- and doc-name-safe.
import { randomBytes } from 'node:crypto';

export function newId(prefix: string): string {
  const rand = randomBytes(10).reduce((s, b) => s + b.toString(36).padStart(2, '0'), '');
  return `${prefix}_${Date.now().toString(36)}${rand}`;
}
