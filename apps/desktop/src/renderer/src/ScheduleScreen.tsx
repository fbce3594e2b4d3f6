// The release calendar (week or month) in the creator's time zone. Scheduled posts move by dragging onto
// another day or with Alt+Arrow keys (same time of day), drafts are dragged in from the tray (18:00 local),
// and the last move can be undone. The backend refuses times in the past; that is said in words.
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { Post } from '@fanz/core';
import { useStudio } from './store';
import { formError } from './errors';
import { TIME_ZONE, formatTime, formatWhen, formatWhenMaybeUtc } from './time-text';
import { DRAFT_DROP_HOUR, addDays, dayKey, daysFor, onDay, startOfDay } from './calendar-days';

const DAY = 86_400_000;
/** Height of an hour slot in the week view (px). */
const SLOT_H = 26;
const HOURS = Array.from({ length: 24 }, (_, h) => h);

interface Move {
  post: Post;
  /** Where it was: a scheduled time, or null for a draft. */
  before: string | null;
  to: Date;
}

export function ScheduleScreen() {
  const { posts, client, editPost, showUtc, setShowUtc } = useStudio();
  const [view, setView] = useState<'week' | 'month'>('week');
  const [anchor, setAnchor] = useState(() => new Date());
  const [error, setError] = useState<string | null>(null);
  const [lastMove, setLastMove] = useState<Move | null>(null);
  const days = daysFor(view, anchor);
  const timed = posts.filter((p) => (p.status === 'scheduled' && p.scheduledAt) || (p.status === 'published' && p.publishedAt));
  const drafts = posts.filter((p) => p.status === 'draft');
  const at = (p: Post) => new Date((p.status === 'scheduled' ? p.scheduledAt : p.publishedAt)!);
  const upcoming = posts
    .filter((p) => p.status === 'scheduled' && p.scheduledAt && Date.parse(p.scheduledAt) > Date.now())
    .sort((a, b) => Date.parse(a.scheduledAt!) - Date.parse(b.scheduledAt!));

  const move = async (p: Post, to: Date) => {
    if (!client) return;
    try {
      setError(null);
      await client.api.postSchedule({ id: p.id, at: to.toISOString() });
      setLastMove({ post: p, before: p.status === 'scheduled' ? p.scheduledAt : null, to });
    } catch (err) {
      setError(formError(err).message ?? 'That move did not work. Pick a time from now on.');
    }
  };
  const undo = async () => {
    if (!client || !lastMove) return;
    try {
      setError(null);
      if (lastMove.before) await client.api.postSchedule({ id: lastMove.post.id, at: lastMove.before });
      else await client.api.postUnschedule({ id: lastMove.post.id });
      setLastMove(null);
    } catch (err) {
      setError(formError(err).message ?? 'The move could not be undone.');
    }
  };
  /** A drop on a day keeps the time of day; a drop on an hour slot (week view) takes that hour. */
  const drop = (e: DragEvent, day: Date, hour?: number) => {
    e.preventDefault();
    e.stopPropagation();
    const p = posts.find((x) => x.id === e.dataTransfer.getData('text/post-id'));
    if (!p) return;
    const on = (h: number, m: number) => new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m);
    if (p.status === 'scheduled' && p.scheduledAt) {
      const old = new Date(p.scheduledAt);
      void move(p, hour === undefined ? onDay(day, old) : on(hour, old.getMinutes()));
    } else if (p.status === 'draft') void move(p, on(hour ?? DRAFT_DROP_HOUR, 0));
  };
  const weekScroller = useRef<HTMLDivElement>(null);
  // The week opens at the morning, as calendars do; the night hours are a scroll away.
  useEffect(() => {
    if (view === 'week' && weekScroller.current) weekScroller.current.scrollTop = 8 * SLOT_H;
  }, [view]);
  const keyMove = (e: KeyboardEvent, p: Post) => {
    if (!e.altKey || p.status !== 'scheduled' || !p.scheduledAt) return;
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    const to = addDays(new Date(p.scheduledAt), step);
    void move(p, to).then(() => setAnchor(to));
  };
  const renderEvent = (p: Post) => (
    <button
      type="button"
      key={p.id}
      className={`event ${p.status}`}
      draggable={p.status === 'scheduled'}
      onDragStart={(e) => e.dataTransfer.setData('text/post-id', p.id)}
      onClick={() => editPost(p.id)}
      onKeyDown={(e) => keyMove(e, p)}
      aria-label={`${p.title || 'Untitled post'}, ${p.status === 'scheduled' ? 'scheduled' : 'published'} ${formatWhen(at(p))}${p.status === 'scheduled' ? '. Alt+arrow keys move it' : ''}`}
      data-testid="calendar-event"
    >
      <span className="time">{formatTime(at(p))}</span>
      {showUtc && TIME_ZONE !== 'UTC' ? <span className="muted small"> {formatTime(at(p), { utc: true })} UTC</span> : null} {p.title || 'Untitled post'}
    </button>
  );
  const shift = (dir: number) =>
    setAnchor((a) => (view === 'week' ? new Date(a.getTime() + dir * 7 * DAY) : new Date(a.getFullYear(), a.getMonth() + dir, 1)));

  return (
    <section className="panel schedule" data-testid="schedule">
      <div className="toolbar">
        <h2>Schedule</h2>
        <button onClick={() => shift(-1)} aria-label={view === 'week' ? 'Previous week' : 'Previous month'}>‹</button>
        <button onClick={() => setAnchor(new Date())}>Today</button>
        <button onClick={() => shift(1)} aria-label={view === 'week' ? 'Next week' : 'Next month'}>›</button>
        <strong data-testid="schedule-heading">
          {view === 'month'
            ? anchor.toLocaleDateString(undefined, { month: 'long', year: 'numeric' })
            : `Week of ${days[0]!.toLocaleDateString(undefined, { day: 'numeric', month: 'long', year: 'numeric' })}`}
        </strong>
        <button className={view === 'week' ? 'active' : ''} aria-pressed={view === 'week'} onClick={() => setView('week')}>Week</button>
        <button className={view === 'month' ? 'active' : ''} aria-pressed={view === 'month'} onClick={() => setView('month')} data-testid="schedule-month">Month</button>
        <button disabled={upcoming.length === 0} onClick={() => setAnchor(new Date(upcoming[0]!.scheduledAt!))} data-testid="schedule-next">
          Next scheduled post
        </button>
        <span className="muted">Times are your time ({TIME_ZONE}). Alt+arrow keys move a selected post.</span>
        <label className="check">
          <input type="checkbox" checked={showUtc} onChange={(e) => setShowUtc(e.target.checked)} data-testid="schedule-show-utc" />
          Also show UTC
        </label>
      </div>
      {error ? <div className="error" role="alert">{error}</div> : null}
      {lastMove ? (
        <div className="notice row" role="status" data-testid="schedule-moved">
          Moved “{lastMove.post.title || 'Untitled post'}” to {formatWhenMaybeUtc(lastMove.to, showUtc)}.
          <button type="button" className="link" onClick={() => void undo()} data-testid="schedule-undo">Undo</button>
        </div>
      ) : null}
      <div className="schedule-body">
        <div className={`calendar ${view}`} ref={weekScroller}>
          {days.map((d) => {
            const items = timed.filter((p) => startOfDay(at(p)).getTime() === d.getTime()).sort((a, b) => at(a).getTime() - at(b).getTime());
            const past = d.getTime() + DAY <= Date.now();
            const other = view === 'month' && d.getMonth() !== anchor.getMonth();
            return (
              <div key={d.toISOString()} data-date={dayKey(d)} className={`day ${past ? 'past' : ''} ${other ? 'other-month' : ''}`} onDragOver={(e) => e.preventDefault()} onDrop={(e) => drop(e, d)} data-testid="calendar-day">
                <div className="day-head">{d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}</div>
                {view === 'week' ? (
                  HOURS.map((h) => (
                    <div
                      key={h}
                      className="slot"
                      data-slot={`${dayKey(d)}T${String(h).padStart(2, '0')}`}
                      onDragOver={(e) => e.preventDefault()}
                      onDrop={(e) => drop(e, d, h)}
                    >
                      {days[0] === d ? <span className="slot-hour">{formatTime(new Date(2000, 0, 1, h))}</span> : null}
                      {items.filter((p) => at(p).getHours() === h).map(renderEvent)}
                    </div>
                  ))
                ) : (
                  items.map(renderEvent)
                )}
              </div>
            );
          })}
        </div>
        <aside className="drafts-tray" aria-labelledby="drafts-title" data-testid="drafts-tray">
          <h3 id="drafts-title">Drafts</h3>
          <p className="muted small">Drag a draft onto a day to schedule it at {formatTime(new Date(2000, 0, 1, DRAFT_DROP_HOUR))} your time.</p>
          {drafts.length === 0 ? <p className="muted">No drafts waiting.</p> : null}
          {drafts.map((p) => (
            <button type="button" key={p.id} className="event draft" draggable onDragStart={(e) => e.dataTransfer.setData('text/post-id', p.id)} onClick={() => editPost(p.id)} data-testid="draft-item">
              {p.title || 'Untitled post'}
            </button>
          ))}
        </aside>
      </div>
    </section>
  );
}
