// WebVTT index for the scrubbing sprite: one cue per thumbnail, pointing into a sheet with a media fragment
// (`sprite_001.jpg#xywh=x,y,w,h`), the form video.js, Plyr and JW Player read.
import type { SpritePlan } from './ladder.js';

function ts(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

export function renderSpriteVtt(plan: SpritePlan, durationS: number, sheetName: (index: number) => string): string {
  const perSheet = plan.cols * plan.rows;
  const out = ['WEBVTT', ''];
  for (let i = 0; i < plan.count; i++) {
    const start = i * plan.intervalS;
    const end = Math.min(durationS, (i + 1) * plan.intervalS);
    if (end <= start) break;
    const sheet = Math.floor(i / perSheet);
    const cell = i % perSheet;
    const x = (cell % plan.cols) * plan.thumbWidth;
    const y = Math.floor(cell / plan.cols) * plan.thumbHeight;
    out.push(`${ts(start)} --> ${ts(end)}`, `${sheetName(sheet)}#xywh=${x},${y},${plan.thumbWidth},${plan.thumbHeight}`, '');
  }
  return out.join('\n');
}
