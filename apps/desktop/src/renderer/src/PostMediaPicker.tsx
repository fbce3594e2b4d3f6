// The post editor's own media list: its own search (the Library's filters never reach it), ready items
// only, with their pictures so creators pick what they see rather than file names.
import { useEffect, useState } from 'react';
import type { LibraryItemView } from '../../shared/studio-api';
import { useStudio } from './store';
import { formatDuration } from './media-text';

export function PostMediaPicker({ selected, onToggle }: { selected: string[]; onToggle: (id: string, on: boolean) => void }) {
  const client = useStudio((s) => s.client)!;
  // Refresh when the library changes (an import finishing), without sharing its query.
  const libraryVersion = useStudio((s) => s.library.total + s.library.items.filter((i) => i.status === 'ready').length);
  const [text, setText] = useState('');
  const [items, setItems] = useState<LibraryItemView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      client.api.libraryList({ text, status: 'ready', limit: 60 }).then(
        (p) => live && (setItems(p.items), setError(null)),
        () => live && setError('The library could not be read. Try again in a moment.'),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, text, libraryVersion]);
  return (
    <fieldset>
      <legend>Media</legend>
      <input type="search" aria-label="Search media for this post" placeholder="Search your media" value={text} onChange={(e) => setText(e.target.value)} data-testid="post-media-search" />
      {text ? <span className="filter-note">Showing matches for "{text}" <button type="button" className="link" onClick={() => setText('')}>Show all</button></span> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
      {items === null ? <p role="status" className="muted">Loading your media…</p> : null}
      {items && items.length === 0 ? <p className="muted">{text ? 'No ready media matches.' : 'Ready media from the library appears here.'}</p> : null}
      <div className="media-pick">
        {items?.map((i) => (
          <label key={i.id} className={`pick ${selected.includes(i.id) ? 'on' : ''}`}>
            <input type="checkbox" data-testid="post-media" checked={selected.includes(i.id)} onChange={(e) => onToggle(i.id, e.target.checked)} />
            {i.thumbRenditionId ? <img src={client.mediaUrl(i.thumbRenditionId)} alt="" /> : <span className="pick-none" />}
            <span className="pick-title">
              {i.title}
              {i.durationS !== null ? <span className="muted small"> {formatDuration(i.durationS)}</span> : null}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
