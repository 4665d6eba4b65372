import type { GpuProcess, GpuSample } from '../../preload/api/monitor';

/**
 * The GPUs in `gpustat --json` output (research/journal.md §4.3), for servers where gpustat is
 * there and nvidia-smi's CSV is not usable. gpustat already speaks our units: memory in MiB
 * (bytes // 2^20), power in W (mW // 1000, `enforced.power.limit` for the limit); what NVML
 * does not support is `null` and stays null. `processes` is null with `--no-processes` or when
 * NVML cannot list them: no processes then. gpustat does not report MIG mode, so `mig` is false
 * (a MIG GPU shows as utilization null).
 *
 * Every process has `runId: null`: the caller maps pids to runs afterwards, as it does for
 * nvidia-smi. Output that is not JSON, or JSON without a `gpus` list, throws: gpustat printed
 * something else (a Python traceback, an NVML error) and the message says so.
 */
export function parseGpustatJson(text: string): GpuSample[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const start = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
    throw new Error(`gpustat --json printed something that is not JSON (${(error as Error).message}): ${start || '(nothing)'}`);
  }
  const gpus = isRecord(parsed) ? parsed.gpus : undefined;
  if (!Array.isArray(gpus)) throw new Error('gpustat --json printed JSON without a "gpus" list');
  const samples: GpuSample[] = [];
  for (const gpu of gpus) {
    if (!isRecord(gpu)) continue;
    const index = number(gpu.index);
    if (index === null || !Number.isInteger(index)) continue;
    samples.push({
      index,
      uuid: typeof gpu.uuid === 'string' ? gpu.uuid : null,
      name: typeof gpu.name === 'string' ? gpu.name : `GPU ${index}`,
      utilization: number(gpu['utilization.gpu']),
      memoryUsedMiB: number(gpu['memory.used']),
      memoryTotalMiB: number(gpu['memory.total']),
      temperatureC: number(gpu['temperature.gpu']),
      powerW: number(gpu['power.draw']),
      powerLimitW: number(gpu['enforced.power.limit']),
      mig: false,
      processes: Array.isArray(gpu.processes) ? gpu.processes.flatMap(gpuProcess) : [],
    });
  }
  return samples;
}

/** One gpustat process, or none when it has no pid. `command` is the basename of argv[0]. */
function gpuProcess(entry: unknown): GpuProcess[] {
  if (!isRecord(entry)) return [];
  const pid = number(entry.pid);
  if (pid === null) return [];
  const name = typeof entry.command === 'string' ? entry.command : Array.isArray(entry.full_command) && typeof entry.full_command[0] === 'string' ? entry.full_command[0] : '?';
  return [{ pid, name, memoryMiB: number(entry.gpu_memory_usage), runId: null }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function number(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
