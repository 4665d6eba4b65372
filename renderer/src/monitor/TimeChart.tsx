import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const COLOURS = ['--focus', '--warning', '--mark', '--error'];

/**
 * A small chart of the last minutes, 0–100 (percentages), one line per series, drawn with uPlot.
 * Its accessible name says what it shows and the last values, for people who do not see it.
 */
export function TimeChart({ label, times, series, width = 260, height = 70 }: { label: string; times: readonly number[]; series: ReadonlyArray<{ name: string; values: ReadonlyArray<number | null> }>; width?: number; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const names = series.map((item) => item.name).join('|');
  useEffect(() => {
    if (!box.current) return;
    const style = getComputedStyle(document.documentElement);
    const colour = (index: number) => style.getPropertyValue(COLOURS[index % COLOURS.length] as string).trim() || '#4e94ce';
    const axis = { stroke: style.getPropertyValue('--fg-muted').trim() || '#999', grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { show: false }, size: 40, font: '10px sans-serif' };
    plot.current = new uPlot(
      {
        width,
        height,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: true }, y: { range: [0, 100] } },
        axes: [{ ...axis, show: false }, { ...axis, values: (_plot, ticks) => ticks.map((tick) => `${tick}%`) }],
        series: [{}, ...series.map((item, index) => ({ label: item.name, stroke: colour(index), width: 1.5, spanGaps: false }))],
      },
      [[], ...series.map(() => [])],
      box.current,
    );
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
    // A new set of lines needs a new chart; new values only new data.
  }, [names, width, height]);
  useEffect(() => {
    plot.current?.setData([times.map((time) => time / 1000), ...series.map((item) => [...item.values])] as uPlot.AlignedData);
  }, [times, series]);
  const last = series.map((item) => `${item.name} ${item.values.at(-1) ?? '–'}%`).join(', ');
  return (
    <figure className="time-chart" role="img" aria-label={`${label}: ${last}`}>
      <div ref={box} />
    </figure>
  );
}
