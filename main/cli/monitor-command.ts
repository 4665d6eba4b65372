import type { MonitorSample } from '../../preload/api';
import { AlertTracker, type CpuTimes, MONITOR_INTERVAL_MS, monitorSpec, sampleShellOf, takeSample } from '../monitor';
import type { SshSession } from '../ssh';
import { connectToTarget, type SyncCommandOptions } from './sync-command';

export interface MonitorCommandOptions extends Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'> {
  readonly json: boolean;
  readonly once: boolean;
  readonly intervalMs?: number;
}

/**
 * `labdesk monitor LOCAL_DIR TARGET`: one sample per interval (one round trip each) until Ctrl+C, as
 * a line of text or, with --json, one object per line (the sample and the alerts it started).
 * --once prints one sample and exits; it reads twice, a second apart, because CPU use is the
 * change between two readings. A dropped connection is reported and reopened at the next tick.
 */
export async function runMonitorCommand(localDir: string, targetSpec: string, options: MonitorCommandOptions): Promise<number> {
  const opened = await connectToTarget(localDir, targetSpec, options);
  let ssh: SshSession | null = await opened.connecting;
  const interval = options.once ? 1_000 : (options.intervalMs ?? MONITOR_INTERVAL_MS);
  const alerts = new AlertTracker();
  let previousCpu: CpuTimes | null = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    for (let round = 0; !stopped; round++) {
      const started = Date.now();
      try {
        ssh ??= await opened.connect();
        const shell = sampleShellOf(ssh.client);
        const spec = await monitorSpec(opened.localRoot, targetSpec, opened.target.remoteRoot, opened.target.dataRoot);
        const { sample, cpu } = await takeSample((command) => shell.exec(command), { target: targetSpec, host: opened.hostLabel, ...spec, previousCpu });
        previousCpu = cpu;
        const begun = alerts.next(sample);
        if (!options.once || round > 0) {
          process.stdout.write(options.json ? `${JSON.stringify({ ...sample, alerts: begun })}\n` : describeSample(sample, begun.map((alert) => alert.message)));
          if (options.once) return 0;
        }
      } catch (error) {
        process.stderr.write(`labdesk: ${opened.hostLabel}: ${error instanceof Error ? error.message : String(error)}\n`);
        ssh?.close();
        ssh = null;
        if (options.once) return 1;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, interval - (Date.now() - started))));
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    ssh?.close();
  }
}

const GIB = 1024 ** 3;

/** One sample as a few lines for a person: the server, then each GPU, then any new alerts. */
export function describeSample(sample: MonitorSample, alerts: readonly string[]): string {
  const time = new Date(sample.at).toLocaleTimeString();
  const cpu = sample.cpu.busyPercent === null ? 'CPU –' : `CPU ${sample.cpu.busyPercent}%`;
  const cores = sample.cpu.cores !== null ? ` of ${sample.cpu.cores} cores` : '';
  const load = sample.cpu.load ? ` · load ${sample.cpu.load.join(' ')}` : '';
  const memory = sample.memory ? ` · memory ${(sample.memory.usedBytes / GIB).toFixed(1)}/${(sample.memory.totalBytes / GIB).toFixed(1)} GiB` : '';
  const disks = sample.disks.map((disk) => ` · ${disk.path} ${disk.usedPercent}% used (${(disk.availableBytes / GIB).toFixed(1)} GiB free)`).join('');
  const lines = [`${sample.target} ${time}  ${cpu}${cores}${load}${memory}${disks}`];
  if (sample.gpuState.kind !== 'ok') lines.push(`  ${sample.gpuState.message}`);
  for (const gpu of sample.gpus) {
    const value = (number: number | null, unit = '') => (number === null ? '–' : `${number}${unit}`);
    const processes = gpu.processes.map((process) => `${process.runId ?? process.pid} (${process.name.split('/').pop()})`).join(', ');
    lines.push(
      `  GPU ${gpu.index} ${gpu.name}  ${gpu.mig ? 'MIG' : value(gpu.utilization, '%')}  ${value(gpu.memoryUsedMiB)}/${value(gpu.memoryTotalMiB)} MiB  ${value(gpu.temperatureC, '°C')}  ${value(gpu.powerW)}/${value(gpu.powerLimitW)} W${processes ? `  ${processes}` : ''}`,
    );
  }
  for (const alert of alerts) lines.push(`  ! ${alert}`);
  return `${lines.join('\n')}\n`;
}
