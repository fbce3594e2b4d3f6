// The release calendar (week or month) in the creator's time zone. Dragging a scheduled post onto another
// day moves it to that day at the same time of day; the backend refuses times in the past.
import { useState, type DragEvent } from 'react';
import type { Post } from '@fanz/core';
import { useStudio } from './store';
import { formError } from './errors';
import { TIME_ZONE, formatTime } from './time-text';

const DAY = 86_400_000;

function startOfDay(d: Date): Date {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate());
}

/** YYYY-MM-DD in local time (the creator's calendar day). */
export function dayKey(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function daysFor(view: 'week' | 'month', anchor: Date): Date[] {
  if (view === 'week') {
    const start = startOfDay(new Date(anchor.getTime() - ((anchor.getDay() + 6) % 7) * DAY));
    return Array.from({ length: 7 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
  }
  const first = new Date(anchor.getFullYear(), anchor.getMonth(), 1);
  const start = new Date(first.getFullYear(), first.getMonth(), 1 - ((first.getDay() + 6) % 7));
  return Array.from({ length: 42 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
}

export function ScheduleScreen() {
  const { posts, client, editPost } = useStudio();
  const [view, setView] = useState<'week' | 'month'>('week');
  const [anchor, setAnchor] = useState(() => new Date());
  const [error, setError] = useState<string | null>(null);
  const days = daysFor(view, anchor);
  const timed = posts.filter((p) => (p.status === 'scheduled' && p.scheduledAt) || (p.status === 'published' && p.publishedAt));
  const at = (p: Post) => new Date((p.status === 'scheduled' ? p.scheduledAt : p.publishedAt)!);

  const drop = async (e: DragEvent, day: Date) => {
    e.preventDefault();
    const id = e.dataTransfer.getData('text/post-id');
    const p = posts.find((x) => x.id === id);
    if (!p?.scheduledAt || !client) return;
    const old = new Date(p.scheduledAt);
    const next = new Date(day.getFullYear(), day.getMonth(), day.getDate(), old.getHours(), old.getMinutes());
    try {
      setError(null);
      await client.api.postSchedule({ id, at: next.toISOString() });
    } catch (err) {
      setError(formError(err).message ?? 'That move did not work. Pick a time from now on.');
    }
  };
  const shift = (dir: number) =>
    setAnchor((a) => (view === 'week' ? new Date(a.getTime() + dir * 7 * DAY) : new Date(a.getFullYear(), a.getMonth() + dir, 1)));

  return (
    <section className="panel" data-testid="schedule">
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
        <button className={view === 'week' ? 'active' : ''} onClick={() => setView('week')}>Week</button>
        <button className={view === 'month' ? 'active' : ''} onClick={() => setView('month')} data-testid="schedule-month">Month</button>
        <span className="muted">Times are your time ({TIME_ZONE})</span>
      </div>
      {error ? <div className="error" role="alert">{error}</div> : null}
      <div className={`calendar ${view}`}>
        {days.map((d) => {
          const items = timed.filter((p) => startOfDay(at(p)).getTime() === d.getTime()).sort((a, b) => at(a).getTime() - at(b).getTime());
          const past = d.getTime() + DAY <= Date.now();
          return (
            <div key={d.toISOString()} data-date={dayKey(d)} className={`day ${past ? 'past' : ''}`} onDragOver={(e) => e.preventDefault()} onDrop={(e) => void drop(e, d)} data-testid="calendar-day">
              <div className="day-head">{d.toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short' })}</div>
              {items.map((p) => (
                <div
                  key={p.id}
                  className={`event ${p.status}`}
                  draggable={p.status === 'scheduled'}
                  onDragStart={(e) => e.dataTransfer.setData('text/post-id', p.id)}
                  onClick={() => editPost(p.id)}
                  data-testid="calendar-event"
                >
                  <span className="time">{formatTime(at(p))}</span> {p.title}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </section>
  );
}
