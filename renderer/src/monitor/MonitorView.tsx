import { useEffect, useMemo } from 'react';
import type { GpuSample, MonitorSample } from '../../../preload/api';
import { useEditor } from '../state/editor-store';
import { useSync } from '../sync/sync-store';
import { useTerminals } from '../terminal/terminal-store';
import { GIB, percent, useMonitor } from './monitor-store';
import { TimeChart } from './TimeChart';

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
const orDash = (value: number | null, unit = '') => (value === null ? '–' : `${value}${unit}`);

/**
 * The Monitor side view: a server's CPU, memory, disks and GPUs now, and charts of the last 10
 * minutes (one sample every 2 s while the window is visible). The active server is always
 * monitored; others can be watched too, each on a connection of its own. A GPU process that
 * belongs to a run links to the run's log.
 */
export function MonitorView() {
  const status = useSync((state) => state.status);
  const targets = useSync((state) => state.targets);
  const { samplesOf, watched, shown, load, show, watchTarget } = useMonitor();
  const active = status.target !== null && status.connection !== 'off' ? status.target : null;
  const current = shown !== null && (watched.includes(shown) || shown === active) ? shown : active;
  const samples = current ? (samplesOf[current] ?? []) : [];
  useEffect(() => {
    if (current && !samplesOf[current]) void load(current);
  }, [current, samplesOf, load]);
  const latest = samples.at(-1) ?? null;

  return (
    <section className="view monitor-view" aria-label="Monitor">
      <div className="view-header">
        <h2 className="view-title">Monitor{current ? `: ${current}` : ''}</h2>
      </div>
      {targets.length > 0 && (
        <ul className="monitor-targets" aria-label="Servers to monitor">
          {targets.map((target) => {
            const isActive = target.name === active;
            const isWatched = watched.includes(target.name);
            return (
              <li key={target.name}>
                <button type="button" className={`link-button${target.name === current ? ' current' : ''}`} aria-pressed={target.name === current} disabled={!isActive && !isWatched} onClick={() => show(isActive ? null : target.name)}>
                  {target.name}
                  {isActive && ' (active)'}
                </button>
                {!isActive && (
                  <label className="check">
                    <input type="checkbox" checked={isWatched} onChange={(event) => void watchTarget(target.name, event.target.checked)} /> Watch {target.name}
                  </label>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {current === null ? (
        <p className="hint pad">Activate a server in the Server view, or watch one above, to see its GPUs, CPU, memory and disks.</p>
      ) : latest === null ? (
        <p className="hint pad" role="status">
          {current === active && status.connection !== 'connected' ? `${current} is ${status.connection}.` : `Reading ${current}…`}
        </p>
      ) : (
        <MonitorBody samples={samples} latest={latest} />
      )}
    </section>
  );
}

function MonitorBody({ samples, latest }: { samples: readonly MonitorSample[]; latest: MonitorSample }) {
  const times = useMemo(() => samples.map((sample) => sample.at), [samples]);
  const cpuSeries = useMemo(
    () => [
      { name: 'CPU', values: samples.map((sample) => sample.cpu.busyPercent) },
      { name: 'memory', values: samples.map((sample) => (sample.memory ? percent(sample.memory.usedBytes, sample.memory.totalBytes) : null)) },
    ],
    [samples],
  );
  const { cpu, memory } = latest;
  return (
    <div className="monitor-body">
      <section className="monitor-card" aria-label="CPU and memory">
        <h3>CPU and memory</h3>
        <dl className="monitor-facts">
          <dt>CPU</dt>
          <dd>
            {orDash(cpu.busyPercent, '%')}
            {cpu.cores !== null && ` of ${cpu.cores} cores`}
            {cpu.load && ` · load ${cpu.load.join(' ')}`}
          </dd>
          <dt>Memory</dt>
          <dd>{memory ? `${gib(memory.usedBytes)} of ${gib(memory.totalBytes)} used (${gib(memory.availableBytes)} available)` : '–'}</dd>
          {memory && memory.swapTotalBytes > 0 && (
            <>
              <dt>Swap</dt>
              <dd>
                {gib(memory.swapUsedBytes)} of {gib(memory.swapTotalBytes)}
              </dd>
            </>
          )}
        </dl>
        <TimeChart label="CPU and memory, last 10 minutes" times={times} series={cpuSeries} />
      </section>
      <section className="monitor-card" aria-label="Disks">
        <h3>Disks</h3>
        <ul className="monitor-disks">
          {latest.disks.map((disk) => (
            <li key={disk.path}>
              <span className="monitor-path" title={disk.mount ?? undefined}>
                {disk.path}
              </span>
              <meter min={0} max={100} value={disk.usedPercent} high={90} optimum={0} aria-label={`${disk.path} ${disk.usedPercent}% used`} />
              <span className="hint">
                {disk.usedPercent}% used · {gib(disk.availableBytes)} free of {gib(disk.totalBytes)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section className="monitor-card" aria-label="GPUs">
        <h3>GPUs</h3>
        {latest.gpuState.kind === 'none' && <p className="hint">{latest.gpuState.message[0]?.toUpperCase() + latest.gpuState.message.slice(1)}.</p>}
        {latest.gpuState.kind === 'error' && (
          <p className="field-error" role="alert">
            {latest.gpuState.message}
          </p>
        )}
        {latest.gpus.map((gpu) => (
          <GpuCard key={gpu.index} gpu={gpu} samples={samples} times={times} />
        ))}
      </section>
    </div>
  );
}

function GpuCard({ gpu, samples, times }: { gpu: GpuSample; samples: readonly MonitorSample[]; times: readonly number[] }) {
  const series = useMemo(() => {
    const of = (sample: MonitorSample) => sample.gpus.find((candidate) => candidate.index === gpu.index);
    return [
      { name: 'utilization', values: samples.map((sample) => of(sample)?.utilization ?? null) },
      {
        name: 'memory',
        values: samples.map((sample) => {
          const card = of(sample);
          return card && card.memoryUsedMiB !== null && card.memoryTotalMiB ? percent(card.memoryUsedMiB, card.memoryTotalMiB) : null;
        }),
      },
    ];
  }, [samples, gpu.index]);
  const openRunLog = useEditor((state) => state.openRunLog);
  const attach = useTerminals((state) => state.open);
  return (
    <div className="gpu-card" role="group" aria-label={`GPU ${gpu.index} ${gpu.name}`}>
      <div className="gpu-title">
        GPU {gpu.index} <span className="hint">{gpu.name}</span>
      </div>
      <div className="gpu-facts">
        <span>{gpu.mig ? 'MIG' : orDash(gpu.utilization, '%')}</span>
        <span>
          {orDash(gpu.memoryUsedMiB)} / {orDash(gpu.memoryTotalMiB)} MiB
        </span>
        <span>{orDash(gpu.temperatureC, '°C')}</span>
        <span>
          {orDash(gpu.powerW)} / {orDash(gpu.powerLimitW)} W
        </span>
      </div>
      <TimeChart label={`GPU ${gpu.index}, last 10 minutes`} times={times} series={series} height={50} />
      {gpu.processes.length > 0 && (
        <ul className="gpu-processes" aria-label={`Processes on GPU ${gpu.index}`}>
          {gpu.processes.map((process) => (
            <li key={process.pid}>
              {process.runId ? (
                <>
                  <button type="button" className="link-button" onClick={() => openRunLog(process.runId as string)}>
                    {process.runId}
                  </button>{' '}
                  <button type="button" className="link-button" title="Watch the run's session in a terminal (read-only)" onClick={() => void attach({ run: { id: process.runId as string, readOnly: true } })}>
                    watch
                  </button>
                </>
              ) : (
                <span>pid {process.pid}</span>
              )}{' '}
              <span className="hint">
                {process.name.split('/').pop()} · {orDash(process.memoryMiB)} MiB
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
