import type { DiskSample } from '../../preload/api/monitor';

/** The all-CPU tick counters of one /proc/stat reading: busy% is the change between two of them. */
export interface CpuTimes {
  /** idle + iowait, in USER_HZ ticks since boot. */
  readonly idle: number;
  /** All ticks since boot, guest time counted once. */
  readonly total: number;
}

/**
 * The counters of the first `cpu ` line of /proc/stat (proc_stat(5); research/journal.md §4.4):
 * `user nice system idle iowait irq softirq steal guest guest_nice`. The kernel already counts
 * guest time inside user (and guest_nice inside nice), so they are taken out of user and nice
 * first, as htop and gopsutil do; adding all ten raw columns would count a VM's time twice.
 * Old kernels print fewer columns: the missing ones are 0. Null when there is no such line.
 */
export function parseCpuTimes(procStat: string): CpuTimes | null {
  const line = procStat.split('\n').find((candidate) => candidate.startsWith('cpu '));
  if (line === undefined) return null;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  if (values.length < 4 || values.some((value) => !Number.isFinite(value))) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0, guest = 0, guestNice = 0] = values;
  const idleAll = idle + iowait;
  const total = user - guest + (nice - guestNice) + system + irq + softirq + steal + idleAll + guest + guestNice;
  return { idle: idleAll, total };
}

/**
 * Percent of all CPU time that was busy between two readings, one decimal, 0–100. Null for the
 * first reading (the counters are since boot, not a rate) and when no time passed or the
 * counters went back (the server rebooted between two samples).
 */
export function cpuBusyPercent(previous: CpuTimes | null | undefined, next: CpuTimes | null | undefined): number | null {
  if (!previous || !next) return null;
  const total = next.total - previous.total;
  if (total <= 0) return null;
  const busy = ((total - (next.idle - previous.idle)) / total) * 100;
  return Math.round(Math.min(100, Math.max(0, busy)) * 10) / 10;
}

/** Memory and swap from /proc/meminfo, in bytes. */
export interface MemoryTotals {
  readonly totalBytes: number;
  /** Total − available: what new programs cannot have without swapping. */
  readonly usedBytes: number;
  readonly availableBytes: number;
  readonly swapUsedBytes: number;
  readonly swapTotalBytes: number;
}

/**
 * Memory from /proc/meminfo (values in kB, which are KiB: ×1024). "Used" is MemTotal −
 * MemAvailable, the kernel's own estimate of what new programs can get without swapping; free
 * alone would call the page cache "used". Null without MemTotal (not a meminfo).
 */
export function parseMeminfo(text: string): MemoryTotals | null {
  const kB = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line.trim());
    if (match) kB.set(match[1] as string, Number(match[2]));
  }
  const total = kB.get('MemTotal');
  if (total === undefined) return null;
  // MemAvailable arrived in Linux 3.14. Before it, free + buffers + page cache is the usual
  // estimate: too generous (not all cache can be dropped) but the best an old kernel offers.
  const available = kB.get('MemAvailable') ?? (kB.has('MemFree') ? (kB.get('MemFree') ?? 0) + (kB.get('Buffers') ?? 0) + (kB.get('Cached') ?? 0) : undefined);
  if (available === undefined) return null;
  const swapTotal = kB.get('SwapTotal') ?? 0;
  const swapFree = kB.get('SwapFree') ?? swapTotal;
  return {
    totalBytes: total * 1024,
    usedBytes: Math.max(0, total - available) * 1024,
    availableBytes: Math.min(available, total) * 1024,
    swapUsedBytes: Math.max(0, swapTotal - swapFree) * 1024,
    swapTotalBytes: swapTotal * 1024,
  };
}

/** The 1, 5 and 15 minute load averages, the first three fields of /proc/loadavg. */
export function parseLoadavg(text: string): [number, number, number] | null {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(Number);
  if (one === undefined || five === undefined || fifteen === undefined) return null;
  if (![one, five, fifteen].every(Number.isFinite)) return null;
  return [one, five, fifteen];
}

/**
 * One data line of `df -P -k`: `Filesystem 1024-blocks Used Available Capacity Mounted-on`.
 * The file system name (`map auto_home`) and the mount point (`/mnt/My Data`) may both hold
 * spaces, so the line is read around its four numbers and the `%`, not split on blanks.
 * A `-` capacity (a file system of size 0) does not match: no disk to show.
 */
const DF_LINE = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)%\s+(.*)$/;

function dfLine(line: string, path: string): DiskSample | null {
  const match = DF_LINE.exec(line.trimEnd());
  if (!match) return null;
  return {
    path,
    mount: match[6] === '' ? null : (match[6] as string),
    totalBytes: Number(match[2]) * 1024,
    availableBytes: Number(match[4]) * 1024,
    usedPercent: Number(match[5]),
  };
}

function dfLines(stdout: string): string[] {
  return stdout.split('\n').filter((line) => DF_LINE.test(line.trimEnd()));
}

/**
 * The disk holding `path`, from `df -P -k PATH` run for that one path: its last data line (the
 * header comes first). Null when df could not read the path (it says so on stderr and prints no
 * line). `usedPercent` is df's own Capacity, rounded up as df rounds it.
 */
export function parseDfOne(stdout: string, path: string): DiskSample | null {
  const line = dfLines(stdout).at(-1);
  return line === undefined ? null : dfLine(line, path);
}
