// Prefixed random ids for prefixes @fanz/core does not register. Known prefixes go through core's newId
// (sortable lowercase ULIDs), so ids look the same everywhere.
import { randomBytes } from 'node:crypto';
import { ID_PREFIXES, newId as coreNewId, type IdPrefix } from '@fanz/core';

const KNOWN = new Set<string>(Object.values(ID_PREFIXES));

export function newId(prefix: string): string {
  if (KNOWN.has(prefix)) return coreNewId(prefix as IdPrefix);
  const rand = randomBytes(10).reduce((s, b) => s + b.toString(36).padStart(2, '0'), '');
  return `${prefix}_${Date.now().toString(36)}${rand}`;
}
