// How media facts read on screen: sizes, durations, quality bands, renditions and content classes in words.
// Pure (no DOM), tested in media-text.test.ts.
import type { ContentLabelView } from '../../shared/studio-api';

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} bytes`;
  if (n < 1e6) return `${Math.round(n / 1000)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
  return `${(n / 1e9).toFixed(1)} GB`;
}

export function formatDuration(s: number | null): string {
  if (s === null) return '';
  const total = Math.round(s);
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`;
}

/** A moment in a clip, "0:01" for 1.6 s (frames start there, so it is not rounded up). */
export function formatMoment(s: number): string {
  const t = Math.floor(s);
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/** Bands of the 0-100 quality score (main/services/scoring/quality-score.ts keeps the same cut-offs). */
export function qualityText(q: number | null): string {
  if (q === null) return 'Quality not checked yet';
  const band = q >= 80 ? 'Excellent' : q >= 60 ? 'Good' : q >= 40 ? 'Fair' : 'Poor';
  return `${band} quality (${q}/100)`;
}

export const LABEL_TEXT: Record<ContentLabelView, string> = {
  safe: 'Safe for everyone',
  suggestive: 'Suggestive',
  explicit: 'Explicit',
};

export function labelText(l: ContentLabelView | null | undefined): string {
  return l ? LABEL_TEXT[l] : 'Not checked yet';
}

const RENDITION_TEXT: Record<string, string> = {
  hls_master: 'Streaming playlist',
  hls_variant: 'Stream',
  poster: 'Cover image',
  preview: 'Blurred preview for locked posts',
  sprite: 'Scrubbing thumbnails',
  sprite_vtt: 'Scrubbing thumbnail index',
  teaser: 'Teaser clip',
  photo: 'Photo',
};

/** "Stream 720p (0.9 Mbit/s)", "Photo 1080 × 720". */
export function renditionText(r: { kind: string; width: number | null; height: number | null; bandwidth: number | null }): string {
  const name = RENDITION_TEXT[r.kind] ?? 'Other file';
  if (r.kind === 'hls_variant' && r.height) return `${name} ${r.height}p${r.bandwidth ? ` (${(r.bandwidth / 1e6).toFixed(1)} Mbit/s)` : ''}`;
  if ((r.kind === 'photo' || r.kind === 'poster' || r.kind === 'teaser') && r.width && r.height) return `${name} ${r.width} × ${r.height}`;
  return name;
}

const CLASS_TEXT: Record<string, string> = {
  Drawing: 'Drawing or illustration',
  Hentai: 'Explicit drawing',
  Neutral: 'Everyday scene',
  Porn: 'Explicit',
  Sexy: 'Suggestive',
};

/**
 * What the content classifier saw, strongest first, in words: from the `max:<Class>` rows local scoring
 * stores (the highest probability of that class on any sampled frame).
 */
export function contentClasses(scores: Array<{ model: string; label: string; score: number }>): Array<{ text: string; percent: number }> {
  return scores
    .filter((s) => s.label.startsWith('max:'))
    .map((s) => ({ text: CLASS_TEXT[s.label.slice(4)] ?? 'Other', percent: Math.round(s.score * 100) }))
    .sort((a, b) => b.percent - a.percent)
    .slice(0, 3);
}
