import { useSync } from '../sync/sync-store';
import { useUi } from '../state/ui-store';
import { percent, useMonitor } from './monitor-store';

/**
 * The status bar's glance at the active server: CPU and memory, and the GPUs' mean use and
 * memory (the busiest card when there are several). Click: the Monitor view.
 */
export function MonitorStatusItem() {
  const target = useSync((state) => state.status.target);
  const latest = useMonitor((state) => (state.target === target ? (state.samples.at(-1) ?? null) : null));
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
    <button type="button" className="status-button" aria-label={`Monitor of ${latest.target}: ${text}`} title="Monitor: GPUs, CPU, memory and disks" onClick={() => showView('monitor')}>
      {text}
    </button>
  );
}
