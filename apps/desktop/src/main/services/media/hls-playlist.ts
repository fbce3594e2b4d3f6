// Reads the media playlists ffmpeg wrote and writes the master playlist from what was actually produced:
// BANDWIDTH is the peak segment bitrate and AVERAGE-BANDWIDTH the mean (Apple HLS authoring spec 6.x),
// CODECS comes from the avcC box of each rung's init segment, so it names the real profile and level.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface MediaPlaylist {
  targetDuration: number;
  initUri: string | null;
  segments: Array<{ uri: string; durationS: number }>;
  ended: boolean;
}

export function parseMediaPlaylist(text: string): MediaPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (no #EXTM3U)');
  let targetDuration = 0;
  let initUri: string | null = null;
  let pending: number | null = null;
  let ended = false;
  const segments: MediaPlaylist['segments'] = [];
  for (const line of lines) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) targetDuration = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-MAP:')) initUri = /URI="([^"]+)"/.exec(line)?.[1] ?? null;
    else if (line.startsWith('#EXTINF:')) pending = Number(line.slice(8).split(',')[0]);
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line && !line.startsWith('#') && pending !== null) {
      segments.push({ uri: line, durationS: pending });
      pending = null;
    }
  }
  return { targetDuration, initUri, segments, ended };
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
  const initBytes = playlist.initUri ? statSync(join(dir, playlist.initUri)).size : 0;
  playlist.segments.forEach((s, i) => {
    const bytes = statSync(join(dir, s.uri)).size + (i === 0 ? initBytes : 0);
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

export interface MasterEntry {
  uri: string;
  attrs: Record<string, string>;
}

/** Parses a master playlist's variant entries (used by tests and `info`). */
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

export function readInit(dir: string, playlist: MediaPlaylist): Buffer | null {
  return playlist.initUri ? readFileSync(join(dir, playlist.initUri)) : null;
}
