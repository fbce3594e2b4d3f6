// Before a post goes public (scheduled or published), checks every place its media will be shown against the
// stored content labels from local scoring. Public placements (a free post's media, any post's teaser and
// thumbnail) must be `safe`; publishWarnings from @fanz/ml-models holds that rule. Media that is not scored
// yet gets a warning too, since nothing says it is safe. Advice for the creator: it never blocks a save.
import { publishWarnings, type ContentLabel, type Placement } from '@fanz/ml-models';
import type { Library } from '../library/library.js';
import { SCORE_MODELS } from './library-scores.js';

export type PublishWarningCode = 'label_mismatch' | 'not_scored';

export interface PublishWarning {
  code: PublishWarningCode;
  mediaId: string;
  placement: Placement;
  /** The stored label, or null when the media is not scored (or not in this library). */
  label: ContentLabel | null;
  message: string;
}

export interface PublishCheckInput {
  mediaIds: string[];
  teaserMediaId: string | null;
  thumbnailMediaId: string | null;
  visibility: 'free' | 'subscribers' | 'pay_per_view';
}

const LABELS: readonly ContentLabel[] = ['explicit', 'suggestive', 'safe'];

/** The stored label of an item (a one-hot row written by saveScoreReport), or null when not scored. */
export function storedLabel(lib: Library, itemId: string): ContentLabel | null {
  const rows = lib.scores(itemId).filter((s) => s.model === SCORE_MODELS.label && s.score === 1);
  return LABELS.find((l) => rows.some((r) => r.label === l)) ?? null;
}

/** Where each of the post's media will be shown; one media may have several placements. */
export function placementsOf(input: PublishCheckInput): Array<{ mediaId: string; placement: Placement }> {
  const out: Array<{ mediaId: string; placement: Placement }> = [];
  for (const mediaId of new Set(input.mediaIds)) {
    out.push({ mediaId, placement: input.visibility === 'free' ? 'public_post' : input.visibility });
  }
  if (input.teaserMediaId) out.push({ mediaId: input.teaserMediaId, placement: 'public_teaser' });
  if (input.thumbnailMediaId) out.push({ mediaId: input.thumbnailMediaId, placement: 'public_thumbnail' });
  return out;
}

const isPublic = (p: Placement): boolean => p === 'public_post' || p === 'public_teaser' || p === 'public_thumbnail';
const PLACEMENT_TEXT: Record<Placement, string> = {
  public_post: 'free post',
  public_teaser: 'public teaser',
  public_thumbnail: 'public thumbnail',
  subscribers: 'subscribers post',
  pay_per_view: 'pay-per-view post',
};

export function publishCheck(lib: Library, input: PublishCheckInput): { warnings: PublishWarning[] } {
  const warnings: PublishWarning[] = [];
  for (const { mediaId, placement } of placementsOf(input)) {
    const item = lib.getItem(mediaId);
    const title = item ? `"${item.title}"` : mediaId;
    const label = item ? storedLabel(lib, mediaId) : null;
    if (label === null) {
      if (isPublic(placement)) {
        warnings.push({
          code: 'not_scored',
          mediaId,
          placement,
          label,
          message: `${title} is not scored yet${item ? '' : ' (not in this library)'}, so nothing says it is safe to show as the ${PLACEMENT_TEXT[placement]}.`,
        });
      }
      continue;
    }
    for (const message of publishWarnings(label, placement)) {
      warnings.push({ code: 'label_mismatch', mediaId, placement, label, message: `${title}: ${message}` });
    }
  }
  return { warnings };
}
