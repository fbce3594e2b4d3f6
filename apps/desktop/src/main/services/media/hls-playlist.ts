// Reads the media playlists ffmpeg wrote and writes the master playlist from what was actually produced:
// BANDWIDTH is the peak segment bitrate and AVERAGE-BANDWIDTH the mean (Apple HLS authoring spec 6.x),
// CODECS comes from the avcC box of each rung's init segment, so it names the real profile and level.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MediaPlaylist, PlaylistByteRange } from '@fanz/core';

// Parsing lives in @fanz/core (the server checks the same playlists); re-exported for the studio's callers.
export { parseMasterPlaylist, parseMediaPlaylist, type MasterEntry, type MediaPlaylist } from '@fanz/core';

/** Bytes of a segment: its byte range, or the whole file when it has none. */
function sizeOf(dir: string, uri: string, range: PlaylistByteRange | null): number {
  return range ? range.length : statSync(join(dir, uri)).size;
}

export interface VariantStats {
  peakBps: number;
  averageBps: number;
  totalBytes: number;
  durationS: number;
}

/** Bitrates of one rung from its files; the init segment is counted with the first media segment. */
export function measureVariant(dir: string, playlist: MediaPlaylist): VariantStats {
  let peak = 0;
  let total = 0;
  let duration = 0;
  const initBytes = playlist.initUri ? sizeOf(dir, playlist.initUri, playlist.initRange) : 0;
  playlist.segments.forEach((s, i) => {
    const bytes = sizeOf(dir, s.uri, s.byteRange) + (i === 0 ? initBytes : 0);
    total += bytes;
    duration += s.durationS;
    // Very short tail segments give meaningless spikes; Apple measures peak over whole segments.
    if (s.durationS >= 1 || playlist.segments.length === 1) peak = Math.max(peak, (bytes * 8) / s.durationS);
  });
  return { peakBps: Math.ceil(peak), averageBps: Math.ceil(duration > 0 ? (total * 8) / duration : 0), totalBytes: total, durationS: duration };
}

/** RFC 6381 codec string of the H.264 track in an fMP4 init segment, e.g. `avc1.64001f`. */
export function avcCodecString(initSegment: Buffer): string | null {
  const at = initSegment.indexOf('avcC');
  if (at < 0 || at + 8 > initSegment.length) return null;
  const hex = (b: number | undefined) => (b ?? 0).toString(16).padStart(2, '0');
  // avcC payload: configurationVersion, AVCProfileIndication, profile_compatibility, AVCLevelIndication
  return `avc1.${hex(initSegment[at + 5])}${hex(initSegment[at + 6])}${hex(initSegment[at + 7])}`;
}

export interface MasterVariant {
  uri: string;
  bandwidth: number;
  averageBandwidth: number;
  width: number;
  height: number;
  frameRate: number | null;
  codecs: string[];
}

export function renderMasterPlaylist(variants: MasterVariant[]): string {
  const out = ['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS'];
  for (const v of [...variants].sort((a, b) => b.bandwidth - a.bandwidth)) {
    const attrs = [
      `BANDWIDTH=${v.bandwidth}`,
      `AVERAGE-BANDWIDTH=${v.averageBandwidth}`,
      `RESOLUTION=${v.width}x${v.height}`,
      ...(v.frameRate ? [`FRAME-RATE=${v.frameRate.toFixed(3)}`] : []),
      `CODECS="${v.codecs.join(',')}"`,
    ];
    out.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  return out.join('\n') + '\n';
}

/** The init segment's bytes (its byte range of the rung's media file, or its own file), or null. */
export function readInit(dir: string, playlist: MediaPlaylist): Buffer | null {
  if (!playlist.initUri) return null;
  const path = join(dir, playlist.initUri);
  const range = playlist.initRange ?? { offset: 0, length: statSync(path).size };
  const buf = Buffer.alloc(range.length);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < range.length) {
      const n = readSync(fd, buf, got, range.length - got, range.offset + got);
      if (n === 0) throw new Error(`${path} ends before the init segment's byte range ${range.length}@${range.offset}`);
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return buf;
}
