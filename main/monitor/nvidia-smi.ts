import type { GpuSample, GpuState } from '../../preload/api/monitor';

/**
 * The GPU fields asked of `nvidia-smi --query-gpu=… --format=csv,noheader,nounits`, in the order
 * parseGpuCsv reads them back. The order is the contract: the name is third so that a comma in it
 * is found by counting fields from both ends.
 */
export const GPU_QUERY = 'index,uuid,name,utilization.gpu,memory.used,memory.total,temperature.gpu,power.draw,power.limit,mig.mode.current';

/**
 * The per-process fields asked of `nvidia-smi --query-compute-apps=… --format=csv,noheader,nounits`;
 * the process name is last, so a comma in it is everything after the third field.
 */
export const APPS_QUERY = 'pid,gpu_uuid,used_memory,process_name';

const GPU_FIELDS = GPU_QUERY.split(',').length;
const NAME_AT = 2;
const APP_FIELDS = APPS_QUERY.split(',').length;

/** One process nvidia-smi lists, before Labdesk knows which run it belongs to. */
export interface ComputeApp {
  readonly pid: number;
  readonly gpuUuid: string;
  /** MiB; null when the driver does not say (`[N/A]`, MIG, no permission). */
  readonly memoryMiB: number | null;
  readonly name: string;
}

/**
 * A field's text, or null when nvidia-smi says it has none: `[N/A]`, `N/A` (MIG utilization),
 * `[Not Supported]`, `[Unknown Error]`, `[Insufficient Permissions]`, any other bracketed word
 * (the man page promises no stable list), or nothing at all.
 */
function text(raw: string | undefined): string | null {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'N/A' || /^\[.*\]$/.test(value)) return null;
  return value;
}

/** A number, or null: `Number('')` would be 0 and `Number('[N/A]')` NaN, neither a reading. */
function number(raw: string | undefined): number | null {
  const value = text(raw);
  if (value === null) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** A GPU index or pid: a whole number, or the line is not one of ours. */
function wholeNumber(raw: string | undefined): number | null {
  const parsed = number(raw);
  return parsed !== null && Number.isInteger(parsed) && parsed >= 0 ? parsed : null;
}

/**
 * The GPUs in `--query-gpu=${GPU_QUERY}` output (fields joined by `, `, units off). A GPU name
 * may hold a comma, so the fixed fields are counted from both ends and the name is what is left,
 * exactly as printed. Lines of another shape (a warning, "Unable to determine the device handle
 * for GPU…" about one broken card among good ones) are skipped: this never throws, and
 * gpuFailure says what an output without GPU lines means. Processes are attached later.
 */
export function parseGpuCsv(stdout: string): GpuSample[] {
  const gpus: GpuSample[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split(',');
    if (parts.length < GPU_FIELDS) continue;
    const tail = parts.slice(parts.length - (GPU_FIELDS - NAME_AT - 1));
    const index = wholeNumber(parts[0]);
    if (index === null) continue;
    const [utilization, memoryUsed, memoryTotal, temperature, power, powerLimit, mig] = tail;
    gpus.push({
      index,
      uuid: text(parts[1]),
      name: text(parts.slice(NAME_AT, parts.length - tail.length).join(',')) ?? `GPU ${index}`,
      utilization: number(utilization),
      memoryUsedMiB: number(memoryUsed),
      memoryTotalMiB: number(memoryTotal),
      temperatureC: number(temperature),
      powerW: number(power),
      powerLimitW: number(powerLimit),
      // `Disabled` on MIG-capable cards with it off, `[N/A]` on cards without MIG.
      mig: text(mig) === 'Enabled',
      processes: [],
    });
  }
  return gpus;
}

/**
 * The processes in `--query-compute-apps=${APPS_QUERY}` output. The name is the last field and
 * may hold `, ` itself (a path, an argument list), so it is everything after the third comma.
 * Lines without a pid and a GPU uuid are skipped; no processes prints nothing at all.
 */
export function parseComputeAppsCsv(stdout: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split(',');
    if (parts.length < APP_FIELDS) continue;
    const pid = wholeNumber(parts[0]);
    const gpuUuid = text(parts[1]);
    if (pid === null || gpuUuid === null) continue;
    apps.push({ pid, gpuUuid, memoryMiB: number(parts[2]), name: parts.slice(APP_FIELDS - 1).join(',').trim() });
  }
  return apps;
}

/** A GPU part with nothing to show: never `ok`, so callers can reword `message` without narrowing. */
export type GpuFailure = Exclude<GpuState, { readonly kind: 'ok' }>;

/**
 * What an nvidia-smi answer without GPUs means, or null when it has GPU lines (then any error
 * text is about one card and the others are still worth showing). No device, and no nvidia-smi
 * at all (exit 127, or the shell's "not found" when it ran inside a longer script), are `none`:
 * a CPU server is not broken. Anything else (driver not loaded, driver/library version mismatch)
 * is an `error` in nvidia-smi's own first line. Messages leave the host out: the caller adds it.
 */
export function gpuFailure(stdout: string, stderr: string, exitCode: number | null): GpuFailure | null {
  if (parseGpuCsv(stdout).length > 0) return null;
  const all = `${stdout}\n${stderr}`;
  if (/No devices were found/i.test(all)) return { kind: 'none', message: 'no NVIDIA GPU found' };
  if (exitCode === 127 || /nvidia-smi: (command )?not found|nvidia-smi: No such file or directory/.test(all)) return { kind: 'none', message: 'no nvidia-smi found' };
  const first = firstLine(stdout) ?? firstLine(stderr);
  if (first !== null) return { kind: 'error', message: first };
  if (exitCode === 0) return { kind: 'none', message: 'no NVIDIA GPU found' };
  return { kind: 'error', message: exitCode === null ? 'nvidia-smi did not finish' : `nvidia-smi failed (exit code ${exitCode})` };
}

function firstLine(output: string): string | null {
  return output.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? null;
}

/**
 * The GPUs with their processes: each app goes on the GPU of the same uuid, with the run its pid
 * belongs to (the callback knows the runs' process trees). An app whose uuid matches no GPU is
 * dropped. The GPUs' own process lists are replaced, not added to, so calling it again is safe.
 */
export function attachProcesses(gpus: readonly GpuSample[], apps: readonly ComputeApp[], runOfPid: (pid: number) => string | null): GpuSample[] {
  return gpus.map((gpu) => ({
    ...gpu,
    processes: apps.filter((app) => gpu.uuid !== null && app.gpuUuid === gpu.uuid).map((app) => ({ pid: app.pid, name: app.name, memoryMiB: app.memoryMiB, runId: runOfPid(app.pid) })),
  }));
}
