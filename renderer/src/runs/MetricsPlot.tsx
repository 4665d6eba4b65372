import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunMetrics } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';

/** Charts side by side at most (the first metrics found; the rest are listed by name). */
const MAX_CHARTS = 6;
const REFRESH_MS = 2_000;

/**
 * The numbers of a run's log over steps, one small uPlot chart per metric, read on by main from
 * where it stopped (the log is never sent whole) and refreshed while the run goes on.
 */
export function MetricsPlot({ runId, live }: { runId: string; live: boolean }) {
  const [metrics, setMetrics] = useState<RunMetrics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      try {
        const next = await api().runs.metrics({ id: runId });
        if (!stopped) setMetrics(next);
      } catch (caught) {
        if (!stopped) setError(errorMessage(caught));
      }
    };
    void read();
    const timer = setInterval(() => {
      if (live || metrics?.complete === false) void read();
    }, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [runId, live, metrics?.complete]);

  if (error) return <p className="hint pad" role="alert">{error}</p>;
  if (!metrics) return null;
  if (metrics.series.length === 0) return <p className="hint pad">No metrics in the log yet (lines such as loss=0.12 or acc: 0.9 are plotted).</p>;
  const shown = metrics.series.slice(0, MAX_CHARTS);
  return (
    <div className="metrics" aria-label="Metrics">
      {shown.map((series) => (
        <Chart key={series.name} name={series.name} steps={series.steps} values={series.values} />
      ))}
      {metrics.series.length > MAX_CHARTS && <p className="hint">Also in the log: {metrics.series.slice(MAX_CHARTS).map((series) => series.name).join(', ')}</p>}
    </div>
  );
}

function Chart({ name, steps, values }: { name: string; steps: readonly number[]; values: readonly number[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const style = getComputedStyle(document.documentElement);
    const stroke = style.getPropertyValue('--focus').trim() || '#4e94ce';
    const axis = { stroke: style.getPropertyValue('--fg').trim() || '#ccc', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.3)' } };
    plot.current = new uPlot({ width: 260, height: 140, legend: { show: false }, scales: { x: { time: false } }, axes: [axis, axis], series: [{}, { label: name, stroke, width: 1.5 }] }, [[], []], box.current);
    return () => {
      plot.current?.destroy();
      plot.current = null;
    };
  }, [name]);
  useEffect(() => {
    plot.current?.setData([[...steps], [...values]]);
  }, [steps, values]);
  const last = values.length > 0 ? values[values.length - 1] : undefined;
  return (
    <figure className="metric-chart" role="img" aria-label={`${name}: ${values.length} values${last !== undefined ? `, last ${last} at step ${steps[steps.length - 1]}` : ''}`}>
      <figcaption>
        {name} <span className="hint">{last !== undefined && String(last)}</span>
      </figcaption>
      <div ref={box} />
    </figure>
  );
}

/** Several runs' values of one metric on one chart, over the union of their steps. */
export function OverlayChart({ name, runs }: { name: string; runs: ReadonlyArray<{ readonly label: string; readonly steps: readonly number[]; readonly values: readonly number[] }> }) {
  const box = useRef<HTMLDivElement>(null);
  // Drawn again only when the numbers change, not on every render of the compare view.
  const data = JSON.stringify(runs);
  useEffect(() => {
    if (!box.current) return;
    const runs = JSON.parse(data) as Array<{ label: string; steps: number[]; values: number[] }>;
    const steps = [...new Set(runs.flatMap((run) => run.steps))].sort((a, b) => a - b);
    const columns = runs.map((run) => {
      const byStep = new Map(run.steps.map((step, at) => [step, run.values[at] as number]));
      return steps.map((step) => byStep.get(step) ?? null);
    });
    const style = getComputedStyle(document.documentElement);
    const axis = { stroke: style.getPropertyValue('--fg').trim() || '#ccc', grid: { stroke: 'rgba(128,128,128,0.2)' }, ticks: { stroke: 'rgba(128,128,128,0.3)' } };
    const colors = ['#4e94ce', '#e5a550', '#73c991', '#c586c0'];
    const plot = new uPlot(
      { width: 360, height: 180, scales: { x: { time: false } }, axes: [axis, axis], series: [{}, ...runs.map((run, at) => ({ label: run.label, stroke: colors[at % colors.length] as string, width: 1.5, spanGaps: true }))] },
      [steps, ...columns] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [data]);
  return (
    <figure className="metric-chart" role="img" aria-label={`${name} of ${runs.map((run) => run.label).join(' and ')}`}>
      <figcaption>{name}</figcaption>
      <div ref={box} />
    </figure>
  );
}
