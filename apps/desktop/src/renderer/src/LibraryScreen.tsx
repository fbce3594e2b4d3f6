// The library: a virtualized grid (only the rows on screen are in the DOM, so 50k items scroll like 50),
// search and filters, import by path (browser mode has no file paths from the picker) or drag-and-drop
// in Electron, and a detail panel with renditions, scores and labels.
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { LibraryItemDetail, LibraryItemView } from '../../shared/studio-api';
import { useStudio } from './store';

const TILE_W = 188;
const TILE_H = 168;

function duration(s: number | null): string {
  if (s === null) return '';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

function Tile({ item, onOpen }: { item: LibraryItemView; onOpen: () => void }) {
  const client = useStudio((s) => s.client);
  return (
    <button className={`tile status-${item.status}`} data-testid="library-tile" data-status={item.status} onClick={onOpen} title={item.fileName}>
      <div className="thumb">
        {item.thumbRenditionId && client ? <img src={client.mediaUrl(item.thumbRenditionId)} alt="" loading="lazy" /> : <span className="placeholder">{item.kind}</span>}
        {item.durationS !== null ? <span className="duration">{duration(item.durationS)}</span> : null}
      </div>
      <div className="tile-title">{item.title}</div>
      <div className="tile-meta">
        {item.status === 'ready' ? `${item.width ?? '?'}×${item.height ?? '?'}` : item.status}
      </div>
    </button>
  );
}

function Detail({ id, onClose }: { id: string; onClose: () => void }) {
  const client = useStudio((s) => s.client)!;
  const [item, setItem] = useState<LibraryItemDetail | null>(null);
  useEffect(() => {
    void client.api.libraryItem({ id }).then(setItem);
  }, [client, id]);
  if (!item) return <aside className="detail">Loading…</aside>;
  const labels = item.scores.filter((s) => s.model !== 'quality').sort((a, b) => b.score - a.score).slice(0, 5);
  return (
    <aside className="detail" data-testid="library-detail">
      <button className="link close" onClick={onClose}>close</button>
      <h3>{item.title}</h3>
      {item.thumbRenditionId ? <img className="poster" src={client.mediaUrl(item.thumbRenditionId)} alt="" /> : null}
      <p className="muted">{item.fileName} · {(item.sizeBytes / 1e6).toFixed(1)} MB · {item.status}</p>
      {item.error ? <p className="error">{item.error}</p> : null}
      <h4>Renditions</h4>
      <ul data-testid="renditions">
        {item.renditions.map((r) => (
          <li key={r.id}>
            {r.kind} {r.width && r.height ? `${r.width}×${r.height}` : ''} {r.bandwidth ? `${Math.round(r.bandwidth / 1000)} kb/s` : ''}
          </li>
        ))}
        {item.renditions.length === 0 ? <li className="muted">none yet</li> : null}
      </ul>
      <h4>Labels and scores</h4>
      <ul>
        {labels.map((s) => (
          <li key={`${s.model}:${s.label}`}>{s.label} {(s.score * 100).toFixed(0)}%</li>
        ))}
        {labels.length === 0 ? <li className="muted">not scored yet</li> : null}
      </ul>
      {item.tags.length ? <p>Tags: {item.tags.join(', ')}</p> : null}
    </aside>
  );
}

export function LibraryScreen() {
  const { library, loadLibrary, loadMoreLibrary, importPaths, importMessage: importMsg } = useStudio();
  const scroller = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [scrollTop, setScrollTop] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  const [importText, setImportText] = useState('');
  const [text, setText] = useState(library.query.text ?? '');

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => {
    const t = setTimeout(() => void loadLibrary({ text }), 200);
    return () => clearTimeout(t);
  }, [text, loadLibrary]);

  const cols = Math.max(1, Math.floor(size.w / TILE_W));
  const rows = Math.ceil(library.items.length / cols);
  const first = Math.max(0, Math.floor(scrollTop / TILE_H) - 2);
  const last = Math.min(rows, Math.ceil((scrollTop + size.h) / TILE_H) + 2);
  const visible = library.items.slice(first * cols, last * cols);
  if (last >= rows - 3 && library.nextCursor && !library.loading) void loadMoreLibrary();

  const runImport = async (paths: string[]) => {
    await importPaths(paths);
    setImportText('');
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const bridge = window.studio as unknown as { pathForFile?: (f: File) => string } | undefined;
    if (!bridge?.pathForFile) {
      useStudio.setState({ importMessage: 'Dropping files works in the desktop app; in browser mode paste their paths on this machine.' });
      return;
    }
    void runImport(Array.from(e.dataTransfer.files).map((f) => bridge.pathForFile!(f)));
  };

  return (
    <section className="library" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <div className="toolbar">
        <input data-testid="library-search" placeholder="Search titles, files, tags" value={text} onChange={(e) => setText(e.target.value)} />
        <select data-testid="library-kind" value={library.query.kind ?? ''} onChange={(e) => void loadLibrary({ kind: (e.target.value || undefined) as 'video' | undefined })}>
          <option value="">All types</option>
          <option value="video">Videos</option>
          <option value="photo">Photos</option>
        </select>
        <select value={library.query.status ?? ''} onChange={(e) => void loadLibrary({ status: (e.target.value || undefined) as 'ready' | undefined })}>
          <option value="">Any status</option>
          <option value="ready">Ready</option>
          <option value="processing">Processing</option>
          <option value="pending">Pending</option>
          <option value="failed">Failed</option>
        </select>
        <select data-testid="library-label" value={library.query.label ?? ''} onChange={(e) => void loadLibrary({ label: (e.target.value || undefined) as 'safe' | undefined })}>
          <option value="">Any label</option>
          <option value="safe">Safe</option>
          <option value="suggestive">Suggestive</option>
          <option value="explicit">Explicit</option>
        </select>
        <select
          data-testid="library-quality"
          value={library.query.minSharpness === undefined ? '' : String(library.query.minSharpness)}
          onChange={(e) => void loadLibrary({ minSharpness: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">Any quality</option>
          <option value="0.5">Sharp (50%+)</option>
          <option value="0.8">Very sharp (80%+)</option>
        </select>
        <span className="muted" data-testid="library-count">{library.total} items</span>
      </div>
      <form
        className="toolbar import"
        onSubmit={(e) => {
          e.preventDefault();
          void runImport(importText.split('\n').map((s) => s.trim()).filter(Boolean));
        }}
      >
        <textarea data-testid="import-paths" rows={1} placeholder="Import: file or folder paths on this machine, one per line" value={importText} onChange={(e) => setImportText(e.target.value)} />
        <button type="submit" className="primary" data-testid="import-submit">Import</button>
        {importMsg ? <span data-testid="import-message" className="muted">{importMsg}</span> : null}
      </form>
      <div className="library-body">
        <div className="grid-scroller" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="library-grid">
          <div style={{ height: rows * TILE_H, position: 'relative' }}>
            {visible.map((item, i) => {
              const index = first * cols + i;
              return (
                <div key={item.id} className="cell" style={{ position: 'absolute', top: Math.floor(index / cols) * TILE_H, left: (index % cols) * TILE_W, width: TILE_W, height: TILE_H }}>
                  <Tile item={item} onOpen={() => setOpen(item.id)} />
                </div>
              );
            })}
          </div>
          {library.items.length === 0 && !library.loading ? <p className="empty">No media yet. Import a clip to start.</p> : null}
        </div>
        {open ? <Detail id={open} onClose={() => setOpen(null)} /> : null}
      </div>
    </section>
  );
}
