/**
 * Phase timings of a sync, printed to stderr when LABDESK_SYNC_TIMING=1 (for benchmarking:
 * `LABDESK_SYNC_TIMING=1 npm run bench -- sync …`). Off, it costs one boolean check per phase.
 */
const enabled = process.env.LABDESK_SYNC_TIMING === '1';

/**
 * Runs `work` and, when timing is on, prints how long it took (wall clock) under `label`, and
 * the CPU the whole process used meanwhile (all threads: phases overlap, so this is what the
 * machine spent while the phase ran, not what the phase alone cost).
 */
export async function timedPhase<T>(label: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  try {
    return await work();
  } finally {
    const cpu = process.cpuUsage(cpuBefore);
    const wall = (performance.now() - started).toFixed(1).padStart(8);
    const cpuMs = ((cpu.user + cpu.system) / 1000).toFixed(0).padStart(6);
    process.stderr.write(`[sync-timing] ${label.padEnd(18)} ${wall} ms  cpu ${cpuMs} ms\n`);
  }
}

/**
 * Prints a point in time (ms since the process started) under `label`, when timing is on.
 * `detail` is a function so that counting for it costs nothing when timing is off.
 */
export function timingMark(label: string, detail?: () => string): void {
  if (!enabled) return;
  const text = detail?.() ?? '';
  process.stderr.write(`[sync-timing] @${performance.now().toFixed(0).padStart(7)} ms ${label}${text ? ` (${text})` : ''}\n`);
}
