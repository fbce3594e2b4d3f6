// Insights: what the creator earned and from where, what comes next (forecast fans with 80 % and 95 %
// intervals), subscribers and churn, top posts and when they post. Saved numbers show at once (offline
// too, with their "as of" time), then fresh ones replace them when the server answers.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { formatMoneyLocale, moneySchema } from '@fanz/core';
import { INSIGHTS_RANGES, type InsightsRange, type InsightsView, type InsightsMoney } from '../../shared/insights-api';
import { StudioApiError } from '../../shared/studio-api';
import { useStudio } from './store';
import { ForecastFanChart, RevenueBySourceChart, moneyFormatter } from './InsightsCharts';
import { PostingHeatmap } from './PostingHeatmap';
import { forecastFan, percentText, postingGrid, revenueBySource, toMajor, viewsByLocalHour } from './insights-data';
import { RANGE_LABELS, asOfText, forecastMethodText, freshErrorText, growthText, insightsErrorText } from './insights-text';
import './insights.css';

function moneyText(m: InsightsMoney | undefined): string {
  const parsed = moneySchema.safeParse(m);
  return parsed.success ? formatMoneyLocale(parsed.data) : '—';
}

export function InsightsScreen() {
  const client = useStudio((s) => s.client);
  const setScreen = useStudio((s) => s.setScreen);
  const [range, setRange] = useState<InsightsRange>('last_30_days');
  const [view, setView] = useState<InsightsView | null>(null);
  const [busy, setBusy] = useState(true);
  const [error, setError] = useState<{ code: string; message: string } | null>(null);
  const latest = useRef(0);

  const load = useCallback(
    async (r: InsightsRange) => {
      if (!client) return;
      const ticket = ++latest.current;
      const current = () => ticket === latest.current;
      setBusy(true);
      setError(null);
      try {
        const saved = await client.api.insights({ range: r, source: 'saved' });
        if (!current()) return;
        setView(saved);
        const fresh = await client.api.insights({ range: r, source: 'server' });
        if (current()) setView(fresh);
      } catch (err) {
        if (current()) setError(err instanceof StudioApiError ? { code: err.code, message: err.message } : { code: 'INTERNAL', message: (err as Error).message });
      } finally {
        if (current()) setBusy(false);
      }
    },
    [client],
  );
  useEffect(() => void load(range), [load, range]);

  return (
    <section className="panel insights" aria-labelledby="insights-title" aria-busy={busy}>
      <h2 id="insights-title">Insights</h2>
      <div className="toolbar">
        <label>
          Range{' '}
          <select data-testid="insights-range" value={range} onChange={(e) => setRange(e.target.value as InsightsRange)}>
            {INSIGHTS_RANGES.map((r) => (
              <option key={r} value={r}>
                {RANGE_LABELS[r]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load(range)} disabled={busy}>
          {busy ? 'Refreshing…' : 'Refresh'}
        </button>
        {busy ? <progress aria-label="Fetching insights" /> : null}
      </div>
      <p className={`as-of${view && !view.fresh && !busy ? ' stale' : ''}`} role="status" data-testid="insights-as-of">
        {view ? asOfText(view, busy) : busy ? 'Loading insights…' : ''}
      </p>
      {view ? (
        <InsightsBody view={view} />
      ) : busy ? (
        <div className="state" data-testid="insights-loading">Loading insights: asking the server for your numbers…</div>
      ) : error ? (
        <div className="state error" role="alert" data-testid="insights-error">
          <p>{insightsErrorText(error.code, error.message, range)}</p>
          {error.code === 'NOT_SIGNED_IN' ? (
            <button type="button" onClick={() => setScreen('account')}>
              Go to Account to sign in
            </button>
          ) : (
            <button type="button" onClick={() => void load(range)}>
              Try again
            </button>
          )}
        </div>
      ) : null}
      {view && error ? (
        <p className="note" role="alert">
          {freshErrorText(error.code, error.message)}
        </p>
      ) : null}
    </section>
  );
}

function InsightsBody({ view }: { view: InsightsView }) {
  const posts = useStudio((s) => s.posts);
  const { insights, rollups } = view;
  const currency = insights.currency;
  const revenue = insights.revenue_analytics;
  const audience = insights.audience_insights;
  const content = insights.content_performance;
  const predictions = insights.growth_predictions;
  const series = useMemo(() => revenueBySource(rollups, insights.date_range.from, insights.date_range.to, currency), [rollups, insights.date_range, currency]);
  const moneyFmt = useMemo(() => moneyFormatter(currency), [currency]);
  const countFmt = useCallback((v: number) => Math.round(v).toLocaleString(), []);
  const revenueFan = useMemo(
    () => (predictions ? forecastFan(series.days, series.totals, predictions.revenue, toMajor(1, currency)) : null),
    [predictions, series, currency],
  );
  const subscriberFan = useMemo(
    // Forecast only: the server sends no daily subscriber history to draw before it.
    () => (predictions ? forecastFan([], [], predictions.subscribers) : null),
    [predictions],
  );
  const titles = useMemo(() => new Map(posts.map((p) => [p.id, p.title])), [posts]);
  const grid = useMemo(() => postingGrid(posts), [posts]);
  const views = useMemo(() => viewsByLocalHour(content?.best_posting_hours ?? []), [content]);
  const postTitle = (id: string) => titles.get(id) ?? `A post not in this studio (${id.slice(-6)})`;
  const earned = series.sources.some((s) => s.total !== 0);

  return (
    <div data-testid="insights-body">
      {revenue ? (
        <dl className="figures">
          <div className="figure">
            <dt>Fans paid</dt>
            <dd data-testid="insights-total">{moneyText(revenue.total_revenue)}</dd>
          </div>
          <div className="figure">
            <dt>Your share</dt>
            <dd>{moneyText(revenue.creator_net)}</dd>
          </div>
          <div className="figure">
            <dt>Average per day</dt>
            <dd>{moneyText(revenue.average_per_day)}</dd>
          </div>
          <div className="figure">
            <dt>Growth vs the previous period</dt>
            <dd className={revenue.growth_rate === undefined ? 'words' : undefined}>{growthText(revenue.growth_rate)}</dd>
          </div>
          {audience ? (
            <div className="figure">
              <dt>Active subscribers</dt>
              <dd>{audience.active_subscribers.toLocaleString()}</dd>
            </div>
          ) : null}
          {insights.engagement_metrics ? (
            <div className="figure">
              <dt>Views (unique viewers)</dt>
              <dd>
                {insights.engagement_metrics.total_views.toLocaleString()} ({insights.engagement_metrics.unique_viewers.toLocaleString()})
              </dd>
            </div>
          ) : null}
        </dl>
      ) : null}

      <section className="card" aria-labelledby="rev-src">
        <h3 id="rev-src">Revenue by source</h3>
        {earned ? (
          <>
            <p className="note">
              {revenue?.top_revenue_sources.map((s) => `${s.source.replace(/_/g, '-')} ${moneyText(s.amount)} (${s.percentage.toFixed(1)} %)`).join(' · ')}
            </p>
            <RevenueBySourceChart data={series} currency={currency} />
            {revenue?.other_currencies?.length ? (
              <p className="note" data-testid="insights-other-currencies">
                Also received, not converted and not in the chart: {revenue.other_currencies.map(moneyText).join(', ')}.
              </p>
            ) : null}
          </>
        ) : (
          <p className="state" data-testid="insights-no-revenue">
            No revenue in these days yet. Payments show here by source (subscriptions, pay-per-view, tips, VR tickets) on the day fans make them.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="rev-fc">
        <h3 id="rev-fc">Revenue forecast, next 30 days</h3>
        {!predictions ? (
          <p className="state">The server sent no forecast with these numbers.</p>
        ) : predictions.revenue.status === 'ok' && revenueFan ? (
          <>
            <p className="note">
              Expected over the next {predictions.revenue.points.length} days: {moneyFmt(toMajor(predictions.revenue.points.reduce((a, p) => a + p.mean, 0), currency))}, following{' '}
              {forecastMethodText(predictions.revenue.method)} of your last {predictions.revenue.days_of_data} days. The shaded bands show where daily revenue is likely to land (80 % and 95 % of the time).
            </p>
            <p className="muted small">
              Model: {predictions.revenue.method} chosen by AICc from {predictions.revenue.days_of_data} days of history.
            </p>
            <ForecastFanChart fan={revenueFan} format={moneyFmt} label={`Revenue forecast for the next ${predictions.revenue.points.length} days with 80 and 95 percent intervals`} testId="chart-revenue-forecast" historyLabel="Revenue" />
          </>
        ) : (
          <p className="state" data-testid="insights-forecast-empty">
            Not enough history for a forecast yet: it needs at least {predictions.revenue.status === 'not_enough_history' ? predictions.revenue.minimum_days : 14} days of revenue, and there{' '}
            {predictions.revenue.days_of_data === 1 ? 'is 1 day' : `are ${predictions.revenue.days_of_data} days`}.
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="subs">
        <h3 id="subs">Subscribers and churn</h3>
        {audience ? (
          <>
            <div className="churn-bars" data-testid="insights-churn">
              <span>New</span>
              <span className="bar-cell">
                <span className="bar new" style={{ width: `${barWidth(audience.new_subscribers, audience)}%` }} />
              </span>
              <span>{audience.new_subscribers}</span>
              <span>Churned</span>
              <span className="bar-cell">
                <span className="bar churned" style={{ width: `${barWidth(audience.churned_subscribers, audience)}%` }} />
              </span>
              <span>{audience.churned_subscribers}</span>
            </div>
            <p className="note">
              {audience.active_subscribers} active now. Fan retention in this range: {percentText(insights.engagement_metrics?.fan_retention_rate)}.
            </p>
          </>
        ) : (
          <p className="state">The server sent no audience numbers.</p>
        )}
        {predictions?.subscribers.status === 'ok' && subscriberFan ? (
          <ForecastFanChart fan={subscriberFan} format={countFmt} label="Subscriber forecast for the next 30 days with 80 and 95 percent intervals" testId="chart-subscriber-forecast" historyLabel="Subscribers" />
        ) : predictions?.subscribers.status === 'not_enough_history' ? (
          <p className="note">
            Subscriber forecast: not enough history yet ({predictions.subscribers.days_of_data} of {predictions.subscribers.minimum_days} days).
          </p>
        ) : null}
      </section>

      <div className="two-col">
        <section className="card" aria-labelledby="top-rev">
          <h3 id="top-rev">Top posts by revenue</h3>
          {content && content.top_posts_by_revenue.length > 0 ? (
            <TopPosts testId="top-posts-revenue" heads={['Revenue', 'Views']} rows={content.top_posts_by_revenue.map((p) => ({ id: p.post_id, title: postTitle(p.post_id), value: p.revenue.amount, text: moneyText(p.revenue), extra: p.views.toLocaleString() }))} />
          ) : (
            <p className="state">No post has earned in these days yet.</p>
          )}
        </section>
        <section className="card" aria-labelledby="top-views">
          <h3 id="top-views">Top posts by views</h3>
          {content && content.top_posts_by_views.length > 0 ? (
            <TopPosts testId="top-posts-views" heads={['Views', 'Revenue']} rows={content.top_posts_by_views.map((p) => ({ id: p.post_id, title: postTitle(p.post_id), value: p.views, text: p.views.toLocaleString(), extra: moneyText(p.revenue) }))} />
          ) : (
            <p className="state">No post has been watched in these days yet.</p>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="hours">
        <h3 id="hours">Posting hours</h3>
        {grid.total > 0 ? (
          <>
            <p className="note">Your {grid.total} published posts by weekday and hour in this computer&apos;s time zone; the green row is the average views a post published at that hour got.</p>
            <PostingHeatmap grid={grid} views={views} />
          </>
        ) : (
          <p className="state" data-testid="insights-no-posts">No published posts yet: once you publish, this shows the days and hours you post and which hours get the most views.</p>
        )}
      </section>
    </div>
  );
}

function barWidth(n: number, a: { new_subscribers: number; churned_subscribers: number }): number {
  const max = Math.max(a.new_subscribers, a.churned_subscribers);
  return max > 0 ? Math.max(2, (100 * n) / max) : 0;
}

function TopPosts({ rows, testId, heads }: { rows: Array<{ id: string; title: string; value: number; text: string; extra: string }>; testId: string; heads: [string, string] }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return (
    <table className="top" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Post</th>
          <th scope="col" className="bar-cell">
            <span className="sr-only">Share</span>
          </th>
          <th scope="col">{heads[0]}</th>
          <th scope="col">{heads[1]}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <th scope="row">{r.title}</th>
            <td className="bar-cell">
              <span className="bar" style={{ width: `${Math.max(2, (100 * r.value) / max)}%` }} />
            </td>
            <td>{r.text}</td>
            <td>{r.extra}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
