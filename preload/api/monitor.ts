// The Monitor: what a server's GPUs, CPU, memory and disks are doing, one sample per interval.

/** A process holding GPU memory, and the Labdesk run it belongs to when its pid descends from a run's wrapper. */
export interface GpuProcess {
  readonly pid: number;
  /** The process name nvidia-smi or gpustat reports (`python`, `/usr/bin/python3`). */
  readonly name: string;
  /** MiB, or null when the driver does not say (`[N/A]`, MIG). */
  readonly memoryMiB: number | null;
  readonly runId: string | null;
}

export interface GpuSample {
  readonly index: number;
  readonly uuid: string | null;
  readonly name: string;
  /** Percent; null when not supported (`[N/A]`, `[Not Supported]`, MIG mode). */
  readonly utilization: number | null;
  readonly memoryUsedMiB: number | null;
  readonly memoryTotalMiB: number | null;
  /** Degrees Celsius. */
  readonly temperatureC: number | null;
  /** Watts. */
  readonly powerW: number | null;
  readonly powerLimitW: number | null;
  /** MIG mode on: utilization is not reported per GPU. */
  readonly mig: boolean;
  readonly processes: readonly GpuProcess[];
}

/** What the GPU part of a sample found, when there are no GPUs to show. */
export type GpuState =
  | { readonly kind: 'ok'; readonly source: 'nvidia-smi' | 'gpustat' }
  /** No nvidia-smi (nor gpustat) on the server's PATH, or no NVIDIA device: not an error. */
  | { readonly kind: 'none'; readonly message: string }
  /** nvidia-smi is there but failed (driver not loaded, version mismatch): its own words. */
  | { readonly kind: 'error'; readonly message: string };

export interface DiskSample {
  /** The folder asked about: the remote root or a data-disk folder. */
  readonly path: string;
  /** The file system's mount point. */
  readonly mount: string | null;
  readonly totalBytes: number;
  readonly availableBytes: number;
  /** Percent of the file system in use, as df counts it (used / (used + available)). */
  readonly usedPercent: number;
}

export interface MonitorSample {
  readonly target: string;
  /** Epoch ms, taken by Labdesk when the answer arrived. */
  readonly at: number;
  readonly gpus: readonly GpuSample[];
  readonly gpuState: GpuState;
  readonly cpu: {
    /** Percent busy over all cores since the previous sample; null for the first one. */
    readonly busyPercent: number | null;
    readonly cores: number | null;
    /** 1, 5 and 15 minute load averages. */
    readonly load: readonly [number, number, number] | null;
  };
  readonly memory: {
    readonly totalBytes: number;
    /** Total − MemAvailable (what new programs cannot have without swapping). */
    readonly usedBytes: number;
    readonly availableBytes: number;
    readonly swapUsedBytes: number;
    readonly swapTotalBytes: number;
  } | null;
  readonly disks: readonly DiskSample[];
  /** How long the one exec took, ms. */
  readonly tookMs: number;
}

export type MonitorAlertKind = 'gpu-idle' | 'gpu-memory' | 'disk-full';

/** Something the user should know about once, when it starts (not every sample while it lasts). */
export interface MonitorAlert {
  readonly kind: MonitorAlertKind;
  /** Stable while the condition lasts: `gpu-idle:gpu1:0:r-…`, `disk-full:gpu1:/data`. */
  readonly key: string;
  readonly target: string;
  readonly message: string;
}

export interface MonitorApi {
  /** The window is visible (sample every interval) or hidden (no samples, no execs); which other targets are watched. */
  watch(arg: { readonly visible: boolean }): Promise<{ readonly intervalMs: number; readonly watched: readonly string[] }>;
  /** Watches another target of the project besides the active one (its own connection), or stops. */
  watchTarget(arg: { readonly name: string; readonly watch: boolean }): Promise<{ readonly watched: readonly string[] }>;
  /** The samples of the last 10 minutes of the active target (or of `target`), oldest first. */
  history(arg: { readonly target?: string }): Promise<readonly MonitorSample[]>;
}
