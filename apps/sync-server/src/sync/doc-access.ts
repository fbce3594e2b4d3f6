// Which documents exist and who may open them. Unknown namespaces are refused rather than created,
// so the sync endpoint cannot be used as free storage.
import type { AuthUser } from '../auth/auth-service.js';

// catalogDocName(id) from @fanz/core builds these names; ids are prefixed ULIDs (cr_...).
const DOC_NAME = /^creator:([A-Za-z0-9_-]{1,64})$/;

export type AccessDecision = { ok: true } | { ok: false; reason: string };

export function isValidDocName(name: string): boolean {
  return DOC_NAME.test(name);
}

export function canOpenDoc(user: AuthUser, docName: string): AccessDecision {
  const m = DOC_NAME.exec(docName);
  if (!m) return { ok: false, reason: `unknown document "${docName.slice(0, 80)}"` };
  if (user.role !== 'creator') return { ok: false, reason: 'only the creator may open a creator document' };
  if (user.id !== m[1]) return { ok: false, reason: 'this creator document belongs to someone else' };
  return { ok: true };
}
