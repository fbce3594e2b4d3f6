// Product labels derived from the classifier's class probabilities. The thresholds are deliberately
// conservative for `safe`, because `safe` is what gates public teasers and thumbnails.
import type { NsfwClass } from '../nsfw/nsfw-classes.js';

export type ContentLabel = 'explicit' | 'suggestive' | 'safe';
export type ClassProbabilities = Record<NsfwClass, number>;

/**
 * explicit:   P(Porn) + P(Hentai) >= explicit
 * suggestive: otherwise, P(Porn) + P(Hentai) + P(Sexy) >= suggestive
 * safe:       otherwise (Neutral and Drawing hold most of the mass)
 */
export interface LabelThresholds {
  explicit: number;
  suggestive: number;
}

export const DEFAULT_LABEL_THRESHOLDS: LabelThresholds = { explicit: 0.5, suggestive: 0.35 };

export interface LabelDecision {
  label: ContentLabel;
  /** The probability mass the decision rests on and the threshold it was compared with. */
  reason: string;
  explicitScore: number;
  suggestiveScore: number;
}

export function validateThresholds(t: LabelThresholds): LabelThresholds {
  for (const [k, v] of Object.entries(t)) {
    if (!(typeof v === 'number' && v > 0 && v <= 1)) throw new RangeError(`label threshold ${k} must be in (0, 1], got ${v}`);
  }
  return t;
}

export function labelFromProbabilities(p: ClassProbabilities, thresholds: LabelThresholds = DEFAULT_LABEL_THRESHOLDS): LabelDecision {
  validateThresholds(thresholds);
  const explicitScore = p.Porn + p.Hentai;
  const suggestiveScore = explicitScore + p.Sexy;
  const f = (x: number): string => x.toFixed(3);
  if (explicitScore >= thresholds.explicit) {
    return { label: 'explicit', explicitScore, suggestiveScore, reason: `P(Porn)+P(Hentai)=${f(explicitScore)} >= ${thresholds.explicit}` };
  }
  if (suggestiveScore >= thresholds.suggestive) {
    return {
      label: 'suggestive',
      explicitScore,
      suggestiveScore,
      reason: `P(Porn)+P(Hentai)+P(Sexy)=${f(suggestiveScore)} >= ${thresholds.suggestive} (explicit mass ${f(explicitScore)} < ${thresholds.explicit})`,
    };
  }
  return { label: 'safe', explicitScore, suggestiveScore, reason: `P(Porn)+P(Hentai)+P(Sexy)=${f(suggestiveScore)} < ${thresholds.suggestive}` };
}

const SEVERITY: Record<ContentLabel, number> = { safe: 0, suggestive: 1, explicit: 2 };

/** The more severe of two labels (a video is as explicit as its most explicit frame). */
export function moreSevere(a: ContentLabel, b: ContentLabel): ContentLabel {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

/** Where a piece of media is about to be shown. */
export type Placement = 'public_teaser' | 'public_thumbnail' | 'public_post' | 'subscribers' | 'pay_per_view';

/** Warnings to show before publishing; empty when the label fits the placement. */
export function publishWarnings(label: ContentLabel, placement: Placement): string[] {
  const isPublic = placement === 'public_teaser' || placement === 'public_thumbnail' || placement === 'public_post';
  if (isPublic && label !== 'safe') {
    return [`This media is labelled ${label}; a ${placement.replace('_', ' ')} must be safe. Choose another frame or make the post locked.`];
  }
  return [];
}
