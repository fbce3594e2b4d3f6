// One id scheme (issue 14 item 2): every id the server makes is one of @fanz/core's typed, time-sortable ids
// (`<prefix>_<lowercase ULID>`), including payout schedules, media grants and playback sessions, which used
// to fall back to a second, untyped format.
import { ID_PREFIXES, idSchema, idTimestamp, isId } from '@fanz/core';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/ids.js';

describe('server ids', () => {
  it('are core ids for every prefix the server uses', () => {
    for (const prefix of ['psch', 'grant', 'pbs', 'po', 'txn', 'upl', 'req'] as const) {
      const id = newId(prefix);
      expect(isId(prefix, id), `${prefix}: ${id}`).toBe(true);
      expect(idSchema(prefix).safeParse(id).success).toBe(true);
      expect(Math.abs(idTimestamp(id) - Date.now())).toBeLessThan(60_000);
    }
    expect(Object.values(ID_PREFIXES)).toEqual(expect.arrayContaining(['psch', 'grant', 'pbs']));
  });

  it('sort by creation', () => {
    const ids = Array.from({ length: 50 }, () => newId('psch'));
    expect([...ids].sort()).toEqual(ids);
  });
});
