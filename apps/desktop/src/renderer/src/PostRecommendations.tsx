// What local scoring says about the post's media, as advice: which audience the content fits, the 0-100
// quality score, and the suggested thumbnail. The creator decides.
import type { LibraryItemDetail } from '../../shared/studio-api';
import type { Visibility } from './post-form';
import { labelText, qualityText } from './media-text';

export function PostRecommendations({ items, visibility }: { items: LibraryItemDetail[]; visibility: Visibility }) {
  if (items.length === 0) return <p className="muted">Pick media to see what the local checks suggest.</p>;
  return (
    <div className="recommend-list" data-testid="recommendations">
      <h3>Suggestions</h3>
      {items.map((it) => {
        const thumbAt = it.scores.find((s) => s.model === 'quality' && s.label === 'thumbnail_time_s')?.score;
        return (
          <div key={it.id} className="rec-item">
            <strong>{it.title}</strong>
            <p>
              Content: {labelText(it.label)}
              {it.label && it.label !== 'safe' && visibility === 'free' ? <span className="field-error"> — consider subscribers only or pay per view</span> : null}
            </p>
            <p data-testid="rec-quality">{qualityText(it.quality)}</p>
            {thumbAt !== undefined && it.kind === 'video' ? <p>Best still at {thumbAt.toFixed(1)} s</p> : null}
          </div>
        );
      })}
    </div>
  );
}
