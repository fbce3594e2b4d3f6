// Reads the sprite WebVTT (one cue per thumbnail: `sprite_001.jpg#xywh=x,y,w,h`) into lookups by time.
export interface ThumbCue {
  start: number;
  end: number;
  /** Absolute URL of the sprite sheet. */
  url: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

function seconds(t: string): number {
  const parts = t.trim().split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

export function parseThumbnailsVtt(text: string, baseUrl: string): ThumbCue[] {
  const cues: ThumbCue[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split(/\n\n+/);
  for (const block of blocks) {
    const lines = block.split('\n').filter(Boolean);
    const timing = lines.findIndex((l) => l.includes('-->'));
    if (timing < 0 || !lines[timing + 1]) continue;
    const [from, to] = lines[timing]!.split('-->');
    const m = /^(.*)#xywh=(\d+),(\d+),(\d+),(\d+)$/.exec(lines[timing + 1]!.trim());
    if (!m || !from || !to) continue;
    cues.push({ start: seconds(from), end: seconds(to.split(' ').find(Boolean) ?? to), url: new URL(m[1]!, baseUrl).href, x: +m[2]!, y: +m[3]!, w: +m[4]!, h: +m[5]! });
  }
  return cues;
}

export function cueAt(cues: ThumbCue[], t: number): ThumbCue | null {
  let lo = 0;
  let hi = cues.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = cues[mid]!;
    if (t < c.start) hi = mid - 1;
    else if (t >= c.end) lo = mid + 1;
    else return c;
  }
  return cues.length && t >= cues[cues.length - 1]!.end ? cues[cues.length - 1]! : null;
}
