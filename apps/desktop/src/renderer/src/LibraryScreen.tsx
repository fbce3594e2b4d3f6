// The library: a virtualized grid (only the rows on screen are in the DOM, so 50k items scroll like 50),
// search and filters, import by path (browser mode has no file paths from the picker) or drag-and-drop
// in Electron, and a detail panel with renditions, scores and labels.
import { useEffect, useRef, useState, type DragEvent } from 'react';
import type { LibraryItemView, LibraryQuery } from '../../shared/studio-api';
import { useStudio } from './store';
import { LibraryDetail } from './LibraryDetail';
import { formatDuration, LABEL_TEXT } from './media-text';

const TILE_W = 188;
const TILE_H = 178;

function Tile({ item, onOpen }: { item: LibraryItemView; onOpen: () => void }) {
  const client = useStudio((s) => s.client);
  const meta =
    item.status === 'ready'
      ? item.quality !== null
        ? `Quality ${item.quality}/100`
        : 'Quality not checked yet'
      : item.status === 'failed'
        ? 'Processing failed'
        : item.status === 'processing'
          ? 'Processing…'
          : 'Waiting';
  return (
    <button className={`tile status-${item.status}`} data-testid="library-tile" data-status={item.status} data-quality={item.quality ?? ''} onClick={onOpen} title={item.fileName}>
      <div className="thumb">
        {item.thumbRenditionId && client ? <img src={client.mediaUrl(item.thumbRenditionId)} alt="" loading="lazy" /> : <span className="placeholder">{item.kind === 'video' ? 'Video' : 'Photo'}</span>}
        {item.durationS !== null ? <span className="duration">{formatDuration(item.durationS)}</span> : null}
        {item.label && item.label !== 'safe' ? <span className={`label-chip ${item.label}`}>{LABEL_TEXT[item.label]}</span> : null}
      </div>
      <div className="tile-title">{item.title}</div>
      <div className="tile-meta" data-testid="tile-meta">{meta}</div>
    </button>
  );
}

export function LibraryScreen() {
  const { library, loadLibrary, loadMoreLibrary, importPaths, importFiles, importProgress, importMessage: importMsg } = useStudio();
  const picker = useRef<HTMLInputElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [scrollTop, setScrollTop] = useState(0);
  const open = useStudio((s) => s.libraryOpenId);
  const setOpen = useStudio((s) => s.openLibraryItem);
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

  const q = library.query;
  const active = [
    q.text ? `"${q.text}"` : null,
    q.kind ? (q.kind === 'video' ? 'videos' : 'photos') : null,
    q.status ? `status ${q.status}` : null,
    q.label ? LABEL_TEXT[q.label].toLowerCase() : null,
    q.minQuality !== undefined ? `quality ${q.minQuality}+` : null,
  ].filter((x): x is string => x !== null);
  const clearFilters = () => {
    setText('');
    const none: Partial<LibraryQuery> = { text: '', kind: undefined, status: undefined, label: undefined, minQuality: undefined };
    void loadLibrary(none);
  };
  const cols = Math.max(1, Math.floor(size.w / TILE_W));
  const rows = Math.ceil(library.items.length / cols);
  const first = Math.max(0, Math.floor(scrollTop / TILE_H) - 2);
  const last = Math.min(rows, Math.ceil((scrollTop + size.h) / TILE_H) + 2);
  const visible = library.items.slice(first * cols, last * cols);
  if (last >= rows - 3 && library.nextCursor && !library.loading) void loadMoreLibrary();

  const runImport = async (paths: string[]) => {
    // After a partial failure the typed paths stay, so the creator can fix them and try again.
    if (await importPaths(paths)) setImportText('');
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const files = Array.from(e.dataTransfer.files);
    const bridge = window.studio as unknown as { pathForFile?: (f: File) => string } | undefined;
    // The desktop app reads dropped files where they are; the browser copies them to the studio first.
    if (bridge?.pathForFile) void runImport(files.map((f) => bridge.pathForFile!(f)));
    else void importFiles(files);
  };

  return (
    <section className="library" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <div className="toolbar">
        <input data-testid="library-search" aria-label="Search the library" type="search" placeholder="Search titles, files, tags" value={text} onChange={(e) => setText(e.target.value)} />
        <select data-testid="library-kind" aria-label="Type" value={library.query.kind ?? ''} onChange={(e) => void loadLibrary({ kind: (e.target.value || undefined) as 'video' | undefined })}>
          <option value="">All types</option>
          <option value="video">Videos</option>
          <option value="photo">Photos</option>
        </select>
        <select data-testid="library-status" aria-label="Status" value={library.query.status ?? ''} onChange={(e) => void loadLibrary({ status: (e.target.value || undefined) as 'ready' | undefined })}>
          <option value="">Any status</option>
          <option value="ready">Ready</option>
          <option value="processing">Processing</option>
          <option value="pending">Pending</option>
          <option value="failed">Failed</option>
        </select>
        <select data-testid="library-label" aria-label="Content" value={library.query.label ?? ''} onChange={(e) => void loadLibrary({ label: (e.target.value || undefined) as 'safe' | undefined })}>
          <option value="">Any content</option>
          <option value="safe">Safe for everyone</option>
          <option value="suggestive">Suggestive</option>
          <option value="explicit">Explicit</option>
        </select>
        <select
          data-testid="library-quality"
          aria-label="Quality"
          value={library.query.minQuality === undefined ? '' : String(library.query.minQuality)}
          onChange={(e) => void loadLibrary({ minQuality: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">Any quality</option>
          <option value="60">Good or better (60+ of 100)</option>
          <option value="80">Excellent (80+ of 100)</option>
        </select>
        <span className="muted" data-testid="library-count">
          {active.length ? `${library.items.length} of ${library.total} items` : `${library.total} items`}
        </span>
        {active.length ? (
          <span className="filter-note" data-testid="library-filters-active" role="status">
            Filtered by {active.join(', ')}{' '}
            <button type="button" className="link" data-testid="library-clear-filters" onClick={clearFilters}>
              Clear filters
            </button>
          </span>
        ) : null}
      </div>
      <form
        className="toolbar import"
        onSubmit={(e) => {
          e.preventDefault();
          void runImport(importText.split('\n').map((s) => s.trim()).filter(Boolean));
        }}
      >
        <textarea data-testid="import-paths" aria-label="Files or folders to import" rows={1} placeholder="Or type paths on this computer (~ works), or drop files here" value={importText} onChange={(e) => setImportText(e.target.value)} />
        <button type="submit" className="primary" data-testid="import-submit">Import</button>
        <input
          ref={picker}
          type="file"
          multiple
          accept="video/*,image/*"
          hidden
          data-testid="import-file-input"
          onChange={(e) => {
            const files = Array.from(e.target.files ?? []);
            e.target.value = '';
            void importFiles(files);
          }}
        />
        <button type="button" data-testid="import-choose" onClick={() => picker.current?.click()}>
          Choose files…
        </button>
        {importProgress ? (
          <progress max={importProgress.total} value={importProgress.sent} aria-label="Copying files into the studio" data-testid="import-progress" />
        ) : null}
        {importMsg ? (
          <span data-testid="import-message" className={importMsg.error ? 'error inline' : 'muted'} role={importMsg.error ? 'alert' : 'status'}>
            {importMsg.text}
          </span>
        ) : null}
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
          {library.items.length === 0 && !library.loading ? (
            <p className="empty">{active.length ? 'Nothing matches these filters.' : 'No media yet. Import a clip or a photo to start.'}</p>
          ) : null}
        </div>
        {open ? <LibraryDetail id={open} onClose={() => setOpen(null)} /> : null}
      </div>
    </section>
  );
}
