// Dates and times in the creator's own time zone, without seconds ("Tue 3 Dec, 18:30"), with the zone
// named once per screen. UTC only when asked for. Pure.
export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatWhen(at: string | number | Date, opts: { utc?: boolean } = {}): string {
  const d = new Date(at);
  return d.toLocaleString(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    ...(opts.utc ? { timeZone: 'UTC' } : {}),
  });
}

export function formatTime(at: string | number | Date, opts: { utc?: boolean } = {}): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', ...(opts.utc ? { timeZone: 'UTC' } : {}) });
}

/** "Sun, Nov 29, 06:30 PM", plus "(17:30 UTC)" when the creator asked to see UTC too. */
export function formatWhenMaybeUtc(at: string | number | Date, showUtc: boolean): string {
  return showUtc && TIME_ZONE !== 'UTC' ? `${formatWhen(at)} (${formatTime(at, { utc: true })} UTC)` : formatWhen(at);
}

/** The value of an <input type="datetime-local"> for a moment, in local time. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
