import type { RunMetrics, RunRecord } from '../../../preload/api';
import { api } from '../api/client';
import { useLoaded } from '../git/use-loaded';
import { useEditor } from '../state/editor-store';
import { OverlayChart } from './MetricsPlot';
import { useRuns } from './runs-store';
import type { RunCompareTab } from './run-tabs';

const folderOf = (id: string) => `journal/runs/${id}`;

function duration(run: RunRecord): string {
  if (!run.startedAt || !run.endedAt) return '—';
  const seconds = Math.max(0, (Date.parse(run.endedAt) - Date.parse(run.startedAt)) / 1000);
  return seconds < 90 ? `${seconds.toFixed(0)} s` : seconds < 5400 ? `${(seconds / 60).toFixed(1)} min` : `${(seconds / 3600).toFixed(1)} h`;
}

function lastValues(metrics: RunMetrics | undefined): Map<string, number> {
  return new Map((metrics?.series ?? []).map((series) => [series.name, series.values[series.values.length - 1] as number]));
}

/**
 * Two runs side by side: command, status, duration, code (commit and patch), environment, and the
 * last value of each metric; their configs, code patches and lock files open in the diff editor.
 */
export function RunCompareView({ tab }: { tab: RunCompareTab }) {
  const runs = useRuns((state) => state.runs);
  const left = runs.find((run) => run.id === tab.left);
  const right = runs.find((run) => run.id === tab.right);
  const { value: metrics } = useLoaded(() => Promise.all([api().runs.metrics({ id: tab.left }), api().runs.metrics({ id: tab.right })]).catch(() => [undefined, undefined] as const), [tab.left, tab.right]);
  const openGitDiff = useEditor((state) => state.openGitDiff);
  if (!left || !right) return <p className="editor-message">Reading the runs…</p>;

  const compareFiles = (leftPath: string, rightPath: string) =>
    openGitDiff({ path: rightPath, oldPath: leftPath, left: { kind: 'worktree' }, right: { kind: 'worktree' }, leftLabel: left.id, rightLabel: right.id });
  const [leftMetrics, rightMetrics] = [lastValues(metrics?.[0]), lastValues(metrics?.[1])];
  const metricNames = [...new Set([...leftMetrics.keys(), ...rightMetrics.keys()])];
  const configs = [...new Set([...left.configs, ...right.configs])];
  const lockFiles = [...new Set([...left.environmentFiles, ...right.environmentFiles])];
  const row = (label: string, a: string, b: string) => (
    <tr key={label} className={a === b ? '' : 'differs'}>
      <th scope="row">{label}</th>
      <td>{a}</td>
      <td>{b}</td>
    </tr>
  );
  const code = (run: RunRecord) => (run.code.commit ? `${run.code.commit.slice(0, 10)}${run.code.dirty ? ' + patch' : ''}${run.code.branch ? ` (${run.code.branch})` : ''}` : 'no commit');

  return (
    <div className="run-compare" role="region" aria-label={`Compare ${left.id} and ${right.id}`}>
      <table className="compare-table" aria-label="The two runs">
        <thead>
          <tr>
            <th scope="col" />
            <th scope="col">{left.id}</th>
            <th scope="col">{right.id}</th>
          </tr>
        </thead>
        <tbody>
          {row('Command', left.command, right.command)}
          {row('Status', `${left.status}${left.exitCode !== null ? ` (${left.exitCode})` : ''}`, `${right.status}${right.exitCode !== null ? ` (${right.exitCode})` : ''}`)}
          {row('Duration', duration(left), duration(right))}
          {row('Target', left.target, right.target)}
          {row('Code', code(left), code(right))}
          {row('Environment', left.environment ?? '—', right.environment ?? '—')}
          {metricNames.map((name) => row(`Last ${name}`, String(leftMetrics.get(name) ?? '—'), String(rightMetrics.get(name) ?? '—')))}
        </tbody>
      </table>
      {metricNames.length > 0 && (
        <div className="metrics" aria-label="Metrics of both runs">
          {metricNames.slice(0, 6).map((name) => (
            <OverlayChart
              key={name}
              name={name}
              runs={[
                { label: left.id, ...(metrics?.[0]?.series.find((series) => series.name === name) ?? { steps: [], values: [] }) },
                { label: right.id, ...(metrics?.[1]?.series.find((series) => series.name === name) ?? { steps: [], values: [] }) },
              ]}
            />
          ))}
        </div>
      )}
      <div className="run-compare-files">
        {(left.code.patch || right.code.patch) && (
          <button type="button" className="button small" onClick={() => compareFiles(`${folderOf(left.id)}/code.patch`, `${folderOf(right.id)}/code.patch`)}>
            Compare code patches
          </button>
        )}
        {configs.map((config) => (
          <button key={config} type="button" className="button small" onClick={() => compareFiles(`${folderOf(left.id)}/configs/${config}`, `${folderOf(right.id)}/configs/${config}`)}>
            Compare {config}
          </button>
        ))}
        {lockFiles.map((file) => (
          <button key={file} type="button" className="button small" onClick={() => compareFiles(`${folderOf(left.id)}/env/${file}`, `${folderOf(right.id)}/env/${file}`)}>
            Compare {file}
          </button>
        ))}
      </div>
    </div>
  );
}
