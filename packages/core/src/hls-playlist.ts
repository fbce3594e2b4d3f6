// HLS playlist reading (RFC 8216) shared by the studio, which writes the ladder, and the server, which
// checks it before serving: media playlists with their segments' byte ranges (EXT-X-BYTERANGE and the
// BYTERANGE of EXT-X-MAP, as written for single-file rungs) and master playlists' variant entries.
// Pure text in, data out: no file access here.

export interface PlaylistByteRange {
  /** First byte of the sub-range in its resource. */
  offset: number;
  /** Number of bytes. */
  length: number;
}

export interface MediaSegmentEntry {
  uri: string;
  durationS: number;
  /** The sub-range of `uri` this segment is, or null for the whole resource. */
  byteRange: PlaylistByteRange | null;
}

export interface MediaPlaylist {
  targetDuration: number;
  initUri: string | null;
  initRange: PlaylistByteRange | null;
  segments: MediaSegmentEntry[];
  ended: boolean;
}

export class HlsPlaylistError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'HlsPlaylistError';
  }
}

// Byte counts stay far below 2^53; 15 digits is petabytes and refuses nonsense early.
const RANGE_RE = /^(\d{1,15})(?:@(\d{1,15}))?$/;

function parseRange(text: string, line: number): { length: number; offset: number | null } {
  const m = RANGE_RE.exec(text.trim());
  if (!m) throw new HlsPlaylistError(`"${text.slice(0, 40)}" is not a byte range (<length>[@<offset>])`, line);
  return { length: Number(m[1]), offset: m[2] === undefined ? null : Number(m[2]) };
}

/**
 * Parses a media playlist. A BYTERANGE without an offset continues where the previous segment's range of
 * the same URI ended (RFC 8216 4.3.2.2); without such a previous range the playlist is refused. An
 * EXT-X-MAP BYTERANGE without an offset starts at byte 0.
 */
export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0]?.replace(/^\uFEFF/, '') !== '#EXTM3U') throw new HlsPlaylistError('not an HLS playlist (no #EXTM3U)', 1);
  let targetDuration = 0;
  let initUri: string | null = null;
  let initRange: PlaylistByteRange | null = null;
  let pendingDuration: number | null = null;
  let pendingRange: { length: number; offset: number | null; line: number } | null = null;
  let previous = null as { uri: string; end: number } | null;
  let ended = false;
  const segments: MediaSegmentEntry[] = [];
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MAP:')) {
      initUri = /URI="([^"]+)"/.exec(line)?.[1] ?? null;
      const br = /BYTERANGE="([^"]*)"/.exec(line)?.[1];
      if (br !== undefined) {
        const r = parseRange(br, n);
        initRange = { length: r.length, offset: r.offset ?? 0 };
      } else initRange = null;
    } else if (line.startsWith('#EXTINF:')) pendingDuration = Number(line.slice(8).split(',')[0]);
    else if (line.startsWith('#EXT-X-BYTERANGE:')) pendingRange = { ...parseRange(line.slice(17), n), line: n };
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#') && pendingDuration !== null) {
      let byteRange: PlaylistByteRange | null = null;
      if (pendingRange) {
        let offset = pendingRange.offset;
        if (offset === null) {
          if (previous?.uri !== line) throw new HlsPlaylistError('EXT-X-BYTERANGE has no offset and does not continue a range of the same URI', pendingRange.line);
          offset = previous.end;
        }
        byteRange = { offset, length: pendingRange.length };
        previous = { uri: line, end: offset + pendingRange.length };
      } else previous = null;
      segments.push({ uri: line, durationS: pendingDuration, byteRange });
      pendingDuration = null;
      pendingRange = null;
    }
  }
  return { targetDuration, initUri, initRange, segments, ended };
}

export interface MasterEntry {
  uri: string;
  attrs: Record<string, string>;
}

/** A master playlist's variant entries (EXT-X-STREAM-INF and the URI line after it). */
export function parseMasterPlaylist(text: string): MasterEntry[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  const entries: MasterEntry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('#EXT-X-STREAM-INF:')) continue;
    const attrs: Record<string, string> = {};
    for (const m of line.slice(18).matchAll(/([A-Z0-9-]+)=("[^"]*"|[^,]*)/g)) attrs[m[1] ?? ''] = (m[2] ?? '').replace(/^"|"$/g, '');
    entries.push({ uri: lines[i + 1] ?? '', attrs });
  }
  return entries;
}
