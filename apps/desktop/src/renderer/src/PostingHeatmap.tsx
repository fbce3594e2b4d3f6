// When the creator posts (7 weekdays x 24 hours, this computer's time zone, from the posts in the studio)
// and, under it, how many views a post published at that hour got on average (the server's numbers).
import { WEEKDAYS, type postingGrid } from './insights-data';

const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`;

export function PostingHeatmap({ grid, views }: { grid: ReturnType<typeof postingGrid>; views: Array<number | null> }) {
  const maxViews = Math.max(0, ...views.map((v) => v ?? 0));
  const shade = (v: number, max: number) => (max > 0 && v > 0 ? 0.15 + 0.85 * (v / max) : 0);
  return (
    <div className="heatmap-scroll" tabIndex={0} role="region" aria-label="Posting hours heat map">
      <table className="heatmap" data-testid="posting-heatmap">
        <caption>Posts published by weekday and hour, and average views per post by hour</caption>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">Day</span>
            </th>
            {Array.from({ length: 24 }, (_, h) => (
              <th key={h} scope="col" className="hour">
                {h % 3 === 0 ? String(h).padStart(2, '0') : <span className="sr-only">{hourText(h)}</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {WEEKDAYS.map((day, d) => (
            <tr key={day}>
              <th scope="row">{day}</th>
              {grid.grid[d]!.map((n, h) => (
                <td key={h} className="cell" style={{ ['--heat' as string]: shade(n, grid.max) }} title={`${day} ${hourText(h)}: ${n} post${n === 1 ? '' : 's'}`}>
                  <span className="sr-only">{n}</span>
                </td>
              ))}
            </tr>
          ))}
          <tr className="views-row">
            <th scope="row">Views</th>
            {views.map((v, h) => (
              <td key={h} className="cell views" style={{ ['--heat' as string]: shade(v ?? 0, maxViews) }} title={v === null ? `${hourText(h)}: no posts` : `${hourText(h)}: ${v.toFixed(1)} views per post`}>
                <span className="sr-only">{v === null ? 'none' : v.toFixed(1)}</span>
              </td>
            ))}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
