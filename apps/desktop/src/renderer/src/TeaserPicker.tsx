// Picks the public thumbnail and teaser by their pictures: each of the post's media with a poster or a
// photo is a choice; "Use the suggested one" takes the best-scoring safe item. Public placements should be
// safe for everyone, so each choice says what the content check found.
import type { LibraryItemDetail } from '../../shared/studio-api';
import { useStudio } from './store';
import { LABEL_TEXT } from './media-text';

function suggested(items: LibraryItemDetail[]): LibraryItemDetail | undefined {
  const safe = items.filter((d) => d.label === 'safe');
  return [...(safe.length ? safe : items)].sort((a, b) => (b.quality ?? -1) - (a.quality ?? -1))[0];
}

export function TeaserPicker({
  details,
  thumbnailId,
  teaserId,
  onThumbnail,
  onTeaser,
  error,
}: {
  details: LibraryItemDetail[];
  thumbnailId: string | null;
  teaserId: string | null;
  onThumbnail: (id: string | null) => void;
  onTeaser: (id: string | null) => void;
  error: string | undefined;
}) {
  const client = useStudio((s) => s.client)!;
  const pictures = details.filter((d) => d.thumbRenditionId);
  const clips = details.filter((d) => d.renditions.some((r) => r.kind === 'teaser'));
  const best = suggested(pictures);
  return (
    <fieldset data-testid="teaser-picker">
      <legend>Public thumbnail and teaser</legend>
      {pictures.length === 0 ? (
        <span className="muted">Pick media above; their pictures appear here to choose from.</span>
      ) : (
        <>
          <div className="row">
            <span>Thumbnail</span>
            {best && best.id !== thumbnailId ? (
              <button type="button" className="link" data-testid="thumbnail-suggested" onClick={() => onThumbnail(best.id)}>
                Use the suggested one ({best.title})
              </button>
            ) : null}
          </div>
          <div className="thumb-choices" role="radiogroup" aria-label="Thumbnail">
            {pictures.map((d) => (
              <button
                type="button"
                key={d.id}
                role="radio"
                aria-checked={thumbnailId === d.id}
                className={`thumb-choice ${thumbnailId === d.id ? 'on' : ''}`}
                onClick={() => onThumbnail(thumbnailId === d.id ? null : d.id)}
                data-testid="thumbnail-choice"
              >
                <img src={client.mediaUrl(d.thumbRenditionId!)} alt="" />
                <span>{d.title}</span>
                <span className={`small ${d.label && d.label !== 'safe' ? 'field-error' : 'muted'}`}>{d.label ? LABEL_TEXT[d.label] : 'Not checked yet'}</span>
              </button>
            ))}
          </div>
          {clips.length ? (
            <label className="check">
              <input type="checkbox" data-testid="post-teaser" checked={teaserId !== null} onChange={(e) => onTeaser(e.target.checked ? (clips.find((c) => c.id === thumbnailId) ?? clips[0]!).id : null)} />
              Show a short teaser clip to everyone
            </label>
          ) : null}
          {error ? <span className="field-error" data-testid="error-thumbnailMediaId">{error}</span> : null}
          <p className="muted small">Shown to everyone, also on locked posts, so it should be safe for everyone.</p>
        </>
      )}
    </fieldset>
  );
}
