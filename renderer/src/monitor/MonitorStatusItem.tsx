import { useSync } from '../sync/sync-store';
import { useUi } from '../state/ui-store';
import { percent, useMonitor } from './monitor-store';

/** One glance per monitored server: the active one, then each watched one. */
export function MonitorStatusItems() {
  const active = useSync((state) => (state.status.connection !== 'off' ? state.status.target : null));
  const watched = useMonitor((state) => state.watched);
  const names = [...(active ? [active] : []), ...watched.filter((name) => name !== active)];
  return (
    <>
      {names.map((name) => (
        <MonitorStatusItem key={name} target={name} isActive={name === active} />
      ))}
    </>
  );
}

/**
 * The status bar's glance at a server: CPU and memory, and the GPUs' mean use and memory (the
 * busiest card when there are several). Click: that server in the Monitor view.
 */
function MonitorStatusItem({ target, isActive }: { target: string; isActive: boolean }) {
  const latest = useMonitor((state) => state.samplesOf[target]?.at(-1) ?? null);
  const showView = useUi((state) => state.showView);
  if (!latest) return null;
  const parts = [`CPU ${latest.cpu.busyPercent ?? '–'}%`];
  if (latest.memory) parts.push(`mem ${Math.round(percent(latest.memory.usedBytes, latest.memory.totalBytes))}%`);
  const gpus = latest.gpus;
  if (gpus.length > 0) {
    const used = gpus.map((gpu) => gpu.utilization).filter((value): value is number => value !== null);
    const busiest = Math.max(...gpus.map((gpu) => (gpu.memoryUsedMiB !== null && gpu.memoryTotalMiB ? percent(gpu.memoryUsedMiB, gpu.memoryTotalMiB) : 0)));
    parts.push(`${gpus.length > 1 ? `${gpus.length} GPUs` : 'GPU'} ${used.length > 0 ? Math.round(used.reduce((sum, value) => sum + value, 0) / used.length) : '–'}% · GPU mem ${Math.round(busiest)}%`);
  }
  const text = parts.join(' · ');
  return (
    <button
      type="button"
      className="status-button"
      aria-label={`Monitor of ${latest.target}: ${text}`}
      title="Monitor: GPUs, CPU, memory and disks"
      onClick={() => {
        useMonitor.getState().show(isActive ? null : target);
        showView('monitor');
      }}
    >
      {!isActive && `${target}: `}
      {text}
    </button>
  );
}
