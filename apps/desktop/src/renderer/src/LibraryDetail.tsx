// The item panel: the creator's own picture or a player over the local renditions, what locked fans see
// (the blurred preview, labelled so), the quality score, the content label, and the renditions in words.
import { useEffect, useState } from 'react';
import type { LibraryItemDetail } from '../../shared/studio-api';
import { useStudio } from './store';
import { MediaPlayer } from './MediaPlayer';
import { CoverPicker } from './CoverPicker';
import { contentClasses, formatBytes, formatDuration, labelText, qualityText, renditionText } from './media-text';
import { formError } from './errors';

const STATUS_TEXT = { pending: 'Waiting to be processed', processing: 'Processing…', ready: 'Ready', failed: 'Processing failed' } as const;

export function LibraryDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const client = useStudio((s) => s.client)!;
  const [item, setItem] = useState<LibraryItemDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    setItem(null);
    setError(null);
    client.api.libraryItem({ id }).then(setItem, (err) => setError(formError(err).message));
  }, [client, id]);
  if (error)
    return (
      <aside className="detail" aria-label="Item details">
        <p className="error" role="alert">{error}</p>
      </aside>
    );
  if (!item)
    return (
      <aside className="detail" aria-label="Item details">
        <p role="status">Loading…</p>
      </aside>
    );
  const master = item.renditions.find((r) => r.kind === 'hls_master');
  // The cover can change under the same rendition id: the version in the URL makes the browser fetch it again.
  const bust = (url: string) => `${url}${url.includes('?') ? '&' : '?'}v=${version}`;
  const poster = item.thumbRenditionId ? bust(client.mediaUrl(item.thumbRenditionId)) : undefined;
  const classes = contentClasses(item.scores);
  return (
    <aside className="detail" data-testid="library-detail" aria-labelledby="detail-title">
      <button className="link close" onClick={onClose} aria-label="Close the item panel">
        Close
      </button>
      <h3 id="detail-title">{item.title}</h3>
      {master ? (
        <MediaPlayer src={client.itemFileUrl(item.id, master.file)} poster={poster} title={item.title} />
      ) : poster ? (
        <img className="poster" src={poster} alt={item.title} data-testid="detail-image" />
      ) : null}
      <p className="muted">
        {item.fileName} · {formatBytes(item.sizeBytes)}
        {item.durationS !== null ? ` · ${formatDuration(item.durationS)}` : ''}
        {item.width && item.height ? ` · ${item.width} × ${item.height}` : ''} · {STATUS_TEXT[item.status]}
      </p>
      {item.error ? <p className="error">{item.error}</p> : null}
      <h4>Quality and content</h4>
      <p data-testid="detail-quality">{qualityText(item.quality)}</p>
      <p data-testid="detail-label">Content: {labelText(item.label)}</p>
      {classes.length ? (
        <ul className="small" aria-label="What the content check saw">
          {classes.map((c) => (
            <li key={c.text}>
              {c.text}: {c.percent}%
            </li>
          ))}
        </ul>
      ) : null}
      <CoverPicker
        item={item}
        onChanged={(d) => {
          setItem(d);
          setVersion((v) => v + 1);
        }}
      />
      {item.lockedPreviewRenditionId ? (
        <figure className="locked-preview">
          <img src={bust(client.mediaUrl(item.lockedPreviewRenditionId))} alt={`Blurred preview of ${item.title}`} />
          <figcaption>What locked fans see</figcaption>
        </figure>
      ) : null}
      <h4>Versions made for fans</h4>
      <ul data-testid="renditions">
        {item.renditions
          .filter((r) => r.kind !== 'hls_master' && r.kind !== 'sprite_vtt')
          .map((r) => (
            <li key={r.id}>
              {renditionText(r)} · {formatBytes(r.sizeBytes)}
            </li>
          ))}
        {item.renditions.length === 0 ? <li className="muted">None yet: they are made when processing finishes.</li> : null}
      </ul>
      {item.tags.length ? <p>Tags: {item.tags.join(', ')}</p> : null}
    </aside>
  );
}
