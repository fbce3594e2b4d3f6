import { VrCloseEvents, type VrCloseName } from '@fanz/core/vr';
import { describe, expect, it } from 'vitest';
import { CLOSE_TEXT, explainClose } from './close-text';

describe('relay close codes in words', () => {
  it('explains every close code the relay defines', () => {
    for (const [name, e] of Object.entries(VrCloseEvents) as [VrCloseName, { code: number }][]) {
      const x = explainClose(e.code);
      expect(x.name).toBe(name);
      expect(x.text.length).toBeGreaterThan(10);
      expect(x.text).not.toMatch(/\d{4}/); // words, not the number
      expect(x.text).not.toMatch(/KiB|\b[a-z]+[A-Z]\w*|\b[A-Z][a-z]+[A-Z]\w*/); // no units or code names a fan does not use
    }
    expect(Object.keys(CLOSE_TEXT).sort()).toEqual(Object.keys(VrCloseEvents).sort());
  });

  it('offers to join again only where that can help', () => {
    expect(explainClose(VrCloseEvents.RemovedByHost.code).canRetry).toBe(false);
    expect(explainClose(VrCloseEvents.RoomClosed.code).canRetry).toBe(false);
    expect(explainClose(VrCloseEvents.RoomFull.code).canRetry).toBe(true);
    expect(explainClose(1006)).toMatchObject({ name: null, canRetry: true });
    expect(explainClose(4999).text).toContain('4999');
  });
});
