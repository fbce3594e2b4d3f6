// The Insights screen's time-series charts: revenue by source per day (stacked bars) and a forecast fan
// (history line, forecast mean, 80 % and 95 % bands). Each has a "numbers" table for keyboards and readers.
import { useMemo } from 'react';
import uPlot from 'uplot';
import { UPlotChart } from './UPlotChart';
import { stack, type FanData, type SourceSeries } from './insights-data';

export const SOURCE_COLORS: Record<string, string> = {
  subscriptions: '#4f6bed',
  pay_per_view: '#e0823d',
  tips: '#2f9e6e',
  vr_tickets: '#a457c9',
};
const FALLBACK_COLOR = '#888';

const dayText = (s: number) => new Date(s * 1000).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

export function moneyFormatter(currency: string, digits = 0): (v: number) => string {
  const f = new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: digits, minimumFractionDigits: digits });
  return (v) => f.format(v);
}

function NumbersTable({ caption, head, rows }: { caption: string; head: string[]; rows: Array<Array<string>> }) {
  return (
    <details className="chart-numbers">
      <summary>Show the numbers</summary>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={caption}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i}>{r.map((c, j) => (j === 0 ? <th key={j} scope="row">{c}</th> : <td key={j}>{c}</td>))}</tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function RevenueBySourceChart({ data, currency }: { data: SourceSeries; currency: string }) {
  const fmt = useMemo(() => moneyFormatter(currency), [currency]);
  const fmtExact = useMemo(() => moneyFormatter(currency, 2), [currency]);
  const { options, aligned } = useMemo(() => {
    // Stacked bars: draw the running sums from the top one down, so each band shows its own source.
    const sums = stack(data.sources.map((s) => s.values));
    const order = data.sources.map((_, k) => k).reverse();
    const bars = uPlot.paths.bars!({ size: [0.8, 48] });
    const opts: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(fmt), size: 70 }],
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: 'Day', value: (_u, v) => (v == null ? '' : dayText(v)) },
        ...order.map((k) => {
          const s = data.sources[k]!;
          const color = SOURCE_COLORS[s.source] ?? FALLBACK_COLOR;
          return {
            label: s.label,
            stroke: color,
            fill: color,
            paths: bars,
            points: { show: false },
            // The legend shows the source's own amount for the day, not the running sum drawn.
            value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => (idx == null ? '' : fmtExact(s.values[idx] ?? 0)),
          };
        }),
      ],
    };
    return { options: opts, aligned: [data.days, ...order.map((k) => sums[k]!)] as uPlot.AlignedData };
  }, [data, fmt, fmtExact]);
  const summary = data.sources.map((s) => `${s.label} ${fmtExact(s.total)}`).join(', ');
  return (
    <figure className="chart">
      <UPlotChart options={options} data={aligned} label={`Revenue by source per day: ${summary}`} testId="chart-revenue-sources" />
      <NumbersTable
        caption="Revenue by source per day"
        head={['Day', ...data.sources.map((s) => s.label), 'Total']}
        rows={data.days.flatMap((d, i) => (data.totals[i] === 0 ? [] : [[dayText(d), ...data.sources.map((s) => fmtExact(s.values[i]!)), fmtExact(data.totals[i]!)]]))}
      />
    </figure>
  );
}

export function ForecastFanChart({ fan, label, format, testId, historyLabel }: { fan: FanData; label: string; format: (v: number) => string; testId: string; historyLabel: string }) {
  const { options, aligned } = useMemo(() => {
    const line = { points: { show: false }, value: (_u: uPlot, v: number | null) => (v == null ? '' : format(v)) };
    const opts: Omit<uPlot.Options, 'width' | 'height'> = {
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 70 }],
      cursor: { drag: { x: false, y: false } },
      // The key under the chart names the line, the dashes and both bands; the table has the numbers.
      legend: { show: false },
      series: [
        { label: 'Day', value: (_u, v) => (v == null ? '' : dayText(v)) },
        { ...line, label: historyLabel, stroke: '#333', width: 2 },
        { ...line, label: 'Forecast', stroke: '#4f6bed', width: 2, dash: [6, 4] },
        { ...line, label: '80 % low', stroke: 'transparent' },
        { ...line, label: '80 % high', stroke: 'transparent' },
        { ...line, label: '95 % low', stroke: 'transparent' },
        { ...line, label: '95 % high', stroke: 'transparent' },
      ],
      bands: [
        { series: [6, 5], fill: 'rgba(79, 107, 237, 0.14)' },
        { series: [4, 3], fill: 'rgba(79, 107, 237, 0.30)' },
      ],
    };
    return { options: opts, aligned: [fan.x, fan.history, fan.mean, fan.lo80, fan.hi80, fan.lo95, fan.hi95] as uPlot.AlignedData };
  }, [fan, format, historyLabel]);
  const first = fan.history.findIndex((v) => v === null);
  const future = fan.x.map((x, i) => ({ x, i })).filter(({ i }) => first >= 0 && i >= first);
  return (
    <figure className="chart">
      <UPlotChart options={options} data={aligned} label={label} testId={testId} />
      <figcaption className="fan-key">
        {fan.history.some((v) => v !== null) ? (
          <>
            <span className="key key-history" /> {historyLabel}
          </>
        ) : null}{' '}
        <span className="key key-mean" /> forecast <span className="key key-80" /> 80 % interval <span className="key key-95" /> 95 % interval
      </figcaption>
      <NumbersTable
        caption={label}
        head={['Day', 'Forecast', '80 % interval', '95 % interval']}
        rows={future.map(({ x, i }) => [dayText(x), format(fan.mean[i]!), `${format(fan.lo80[i]!)} – ${format(fan.hi80[i]!)}`, `${format(fan.lo95[i]!)} – ${format(fan.hi95[i]!)}`])}
      />
    </figure>
  );
}
