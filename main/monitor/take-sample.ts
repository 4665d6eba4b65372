import type { DiskSample, GpuSample, GpuState, MonitorSample } from '../../preload/api';
import type { RemoteExec } from '../runs';
import { parseGpustatJson } from './gpustat';
import { monitorCommand, splitSections, type MonitorCommandSpec } from './monitor-command';
import { attachProcesses, gpuFailure, parseComputeAppsCsv, parseGpuCsv } from './nvidia-smi';
import { cpuBusyPercent, type CpuTimes, parseCpuTimes, parseDfOne, parseLoadavg, parseMeminfo } from './proc';

export interface SampleRequest extends MonitorCommandSpec {
  readonly target: string;
  /** For messages: `gpu1` or `ada@gpu1.lab`. */
  readonly host: string;
  /** The CPU counters of the previous sample of this server (busy% is the change). */
  readonly previousCpu: CpuTimes | null;
}

/**
 * One monitor sample: one script (monitor-command.ts) run by `exec`, parsed part by part. A part that cannot be
 * read is empty (no GPU, a folder that is gone), never an exception, so the Monitor keeps
 * showing what it can; only a failed run (no connection) throws.
 */
export async function takeSample(exec: RemoteExec, request: SampleRequest): Promise<{ sample: MonitorSample; cpu: CpuTimes | null }> {
  const started = Date.now();
  const result = await exec(monitorCommand(request));
  const at = Date.now();
  const sections = splitSections(result.stdout.toString('utf8'));
  const cpu = parseCpuTimes(sections.get('stat') ?? '');
  const cores = Number.parseInt(sections.get('nproc') ?? '', 10);
  const { gpus, gpuState } = readGpus(sections, request);
  const disks = request.disks.map((dir) => parseDfOne(sections.get(`df ${dir}`) ?? '', dir)).filter((disk): disk is DiskSample => disk !== null);
  const sample: MonitorSample = {
    target: request.target,
    at,
    gpus,
    gpuState,
    cpu: { busyPercent: cpuBusyPercent(request.previousCpu, cpu), cores: Number.isFinite(cores) && cores > 0 ? cores : null, load: parseLoadavg(sections.get('loadavg') ?? '') },
    memory: parseMeminfo(sections.get('meminfo') ?? ''),
    disks: uniqueFileSystems(disks),
    tookMs: at - started,
  };
  return { sample, cpu };
}

function readGpus(sections: Map<string, string>, request: SampleRequest): { gpus: GpuSample[]; gpuState: GpuState } {
  const runOfPid = runsByAncestry(sections.get('parents') ?? '', sections.get('runs') ?? '');
  const gpustat = sections.get('gpustat');
  if (gpustat !== undefined) {
    try {
      const gpus = parseGpustatJson(gpustat).map((gpu) => ({ ...gpu, processes: gpu.processes.map((process) => ({ ...process, runId: runOfPid(process.pid) })) }));
      return { gpus, gpuState: gpus.length > 0 ? { kind: 'ok', source: 'gpustat' } : { kind: 'none', message: `no NVIDIA GPU found on ${request.host}` } };
    } catch (error) {
      return { gpus: [], gpuState: { kind: 'error', message: `gpustat on ${request.host}: ${error instanceof Error ? error.message : String(error)}` } };
    }
  }
  const exitKey = [...sections.keys()].find((key) => key.startsWith('gpu-exit '));
  const exitCode = exitKey === undefined ? null : Number(exitKey.slice('gpu-exit '.length));
  const csv = sections.get('gpus') ?? '';
  const failure = gpuFailure(csv, '', exitCode);
  if (failure !== null) return { gpus: [], gpuState: { ...failure, message: failure.kind === 'none' ? `${failure.message} on ${request.host}` : `nvidia-smi on ${request.host}: ${failure.message}` } };
  const gpus = attachProcesses(parseGpuCsv(csv), parseComputeAppsCsv(sections.get('apps') ?? ''), runOfPid);
  return { gpus, gpuState: { kind: 'ok', source: 'nvidia-smi' } };
}

/**
 * Which run a GPU process belongs to: the run whose wrapper pid is in the process's chain of
 * parents (`pid parent grandparent …` per line). A pid with no such ancestor is someone else's.
 */
export function runsByAncestry(parents: string, runs: string): (pid: number) => string | null {
  const runOfWrapper = new Map<number, string>();
  for (const line of runs.split('\n')) {
    const [id, pid] = line.trim().split(/\s+/);
    if (id && pid && /^\d+$/.test(pid)) runOfWrapper.set(Number(pid), id);
  }
  const runOf = new Map<number, string>();
  for (const line of parents.split('\n')) {
    const chain = line.trim().split(/\s+/).filter((item) => /^\d+$/.test(item)).map(Number);
    const run = chain.map((pid) => runOfWrapper.get(pid)).find((id) => id !== undefined);
    if (chain[0] !== undefined && run !== undefined) runOf.set(chain[0], run);
  }
  return (pid) => runOf.get(pid) ?? null;
}

/** Folders on the same file system are one disk (named by the first folder asked about). */
function uniqueFileSystems(disks: readonly DiskSample[]): DiskSample[] {
  const seen = new Set<string>();
  return disks.filter((disk) => {
    const key = disk.mount ?? disk.path;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
