// Range requests on release artifacts (RFC 9110 §14): one range answered 206 with Content-Range, several
// as multipart/byteranges (electron-updater's differential download asks for many blocks at once).
export interface Range {
  start: number;
  /** Inclusive. */
  end: number;
}

/** The ranges asked for, 'unsatisfiable', or null (no/invalid header: send the whole file). */
export function parseRanges(header: string | undefined, size: number): Range[] | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(.+)$/.exec(header.trim());
  if (!m) return null;
  const out: Range[] = [];
  for (const part of m[1]!.split(',')) {
    const r = /^\s*(\d*)-(\d*)\s*$/.exec(part);
    if (!r || (r[1] === '' && r[2] === '')) return null;
    if (r[1] === '') {
      const n = Number(r[2]);
      if (n > 0 && size > 0) out.push({ start: Math.max(0, size - n), end: size - 1 });
      continue;
    }
    const start = Number(r[1]);
    const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
    if (r[2] !== '' && Number(r[2]) < start) return null;
    if (start < size) out.push({ start, end });
  }
  if (!out.length) return 'unsatisfiable';
  // More ranges than this is abuse, not a differential download; RFC 9110 lets us send the whole file.
  return out.length > 1000 ? null : out;
}
