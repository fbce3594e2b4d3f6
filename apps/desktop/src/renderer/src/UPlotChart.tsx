// A uPlot chart in React: built on mount and whenever its options or data change, resized with its box,
// destroyed on unmount. uPlot (~50 kB, canvas) was chosen over ECharts (~1 MB) and Recharts (SVG, slow
// past a few thousand points) for size and speed on daily time series. Charts are canvas images, so each
// carries an aria-label, and every chart on the Insights screen also has its numbers as a table.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function UPlotChart({ options, data, label, height = 240, testId }: { options: Omit<uPlot.Options, 'width' | 'height'>; data: uPlot.AlignedData; label: string; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot({ ...options, width: Math.max(280, el.clientWidth), height }, data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(280, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return <div ref={box} className="uplot-box" role="img" aria-label={label} data-testid={testId} />;
}
