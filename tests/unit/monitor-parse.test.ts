import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parseGpustatJson } from '../../main/monitor/gpustat';
import { APPS_QUERY, GPU_QUERY, attachProcesses, gpuFailure, parseComputeAppsCsv, parseGpuCsv } from '../../main/monitor/nvidia-smi';
import { cpuBusyPercent, parseCpuTimes, parseDfOne, parseLoadavg, parseMeminfo } from '../../main/monitor/proc';
import { readFixture, writeFakeNvidiaSmi } from '../fixtures/monitor';

const UUID_0 = 'GPU-5e8d2b4c-7f1a-3c9e-b6d2-0a4f8e1c3b7d';
const UUID_1 = 'GPU-a3c1f0e2-9b47-4d8a-8e15-6c2d7b9f0e41';

describe('nvidia-smi --query-gpu CSV', () => {
  it('reads two GPUs, every field', () => {
    assert.deepEqual(parseGpuCsv(readFixture('gpus-2.csv')), [
      { index: 0, uuid: UUID_0, name: 'NVIDIA GeForce RTX 3090', utilization: 97, memoryUsedMiB: 22154, memoryTotalMiB: 24576, temperatureC: 71, powerW: 337.45, powerLimitW: 350, mig: false, processes: [] },
      { index: 1, uuid: UUID_1, name: 'NVIDIA GeForce RTX 3090', utilization: 12, memoryUsedMiB: 9871, memoryTotalMiB: 24576, temperatureC: 46, powerW: 118.02, powerLimitW: 350, mig: false, processes: [] },
    ]);
  });

  it('reads eight A100s in index order', () => {
    const gpus = parseGpuCsv(readFixture('gpus-8-a100.csv'));
    assert.deepEqual(gpus.map((gpu) => gpu.index), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(gpus.every((gpu) => gpu.name === 'NVIDIA A100-SXM4-80GB' && gpu.memoryTotalMiB === 81920 && gpu.powerLimitW === 400 && !gpu.mig));
    assert.deepEqual(gpus.map((gpu) => gpu.utilization), [100, 99, 100, 98, 0, 0, 43, 0]);
    assert.equal(gpus[6]?.memoryUsedMiB, 35821);
  });

  it('MIG on: utilization is not reported, mig is true; the other GPU is normal', () => {
    const [mig, plain] = parseGpuCsv(readFixture('gpus-mig.csv'));
    assert.equal(mig?.mig, true);
    assert.equal(mig?.utilization, null);
    assert.equal(mig?.memoryUsedMiB, 13120);
    assert.equal(plain?.mig, false);
    assert.equal(plain?.utilization, 58);
  });

  it('[N/A] and [Not Supported] are null, not 0 or NaN', () => {
    const [geforce, quadro] = parseGpuCsv(readFixture('gpus-na.csv'));
    assert.deepEqual(
      { utilization: geforce?.utilization, powerW: geforce?.powerW, powerLimitW: geforce?.powerLimitW, temperatureC: geforce?.temperatureC, mig: geforce?.mig },
      { utilization: 3, powerW: null, powerLimitW: null, temperatureC: 45, mig: false },
    );
    assert.deepEqual(
      { name: quadro?.name, utilization: quadro?.utilization, temperatureC: quadro?.temperatureC, powerW: quadro?.powerW, memoryUsedMiB: quadro?.memoryUsedMiB },
      { name: 'Quadro P400', utilization: null, temperatureC: null, powerW: null, memoryUsedMiB: 95 },
    );
  });

  it('bare N/A, [Unknown Error] and empty fields are null too', () => {
    const [gpu] = parseGpuCsv('0, GPU-1, Tesla T4, N/A, [Unknown Error], 15360, , 27.5, 70.00, [N/A]\n');
    assert.deepEqual([gpu?.utilization, gpu?.memoryUsedMiB, gpu?.temperatureC, gpu?.powerW], [null, null, null, 27.5]);
  });

  it('a name with a comma is read whole, from both ends', () => {
    const [gpu] = parseGpuCsv('3, GPU-x, Graphics Device, rev 2, 50, 100, 200, 40, 80.00, 300.00, Disabled\n');
    assert.equal(gpu?.name, 'Graphics Device, rev 2');
    assert.equal(gpu?.utilization, 50);
    assert.equal(gpu?.powerLimitW, 300);
  });

  it('skips blank, short and malformed lines without throwing', () => {
    const text = `\n${readFixture('gpus-2.csv').split('\n')[0]}\nUnable to determine the device handle for GPU0000:3B:00.0: Unknown Error\nx, GPU-y, Bad, 1, 2, 3, 4, 5, 6, Disabled\n0, GPU-z, Short, 1\n\n`;
    assert.deepEqual(parseGpuCsv(text).map((gpu) => gpu.uuid), [UUID_0]);
    assert.deepEqual(parseGpuCsv(''), []);
  });
});

describe('nvidia-smi --query-compute-apps CSV', () => {
  it('reads three processes over two GPUs', () => {
    assert.deepEqual(parseComputeAppsCsv(readFixture('apps-2.csv')), [
      { pid: 48213, gpuUuid: UUID_0, memoryMiB: 21874, name: '/home/ana/miniconda3/envs/det/bin/python' },
      { pid: 51102, gpuUuid: UUID_0, memoryMiB: 276, name: '/usr/bin/python3' },
      { pid: 49377, gpuUuid: UUID_1, memoryMiB: 9602, name: '/home/ana/miniconda3/envs/det/bin/python' },
    ]);
    assert.deepEqual(parseComputeAppsCsv(readFixture('apps-empty.csv')), []);
  });

  it('a name with ", " in it is the rest of the line; [N/A] memory is null', () => {
    assert.deepEqual(parseComputeAppsCsv(`7, ${UUID_1}, [N/A], /opt/My App, v2/bin/run\n`), [{ pid: 7, gpuUuid: UUID_1, memoryMiB: null, name: '/opt/My App, v2/bin/run' }]);
  });

  it('puts each process on its GPU by uuid, with the run its pid belongs to', () => {
    const gpus = attachProcesses(parseGpuCsv(readFixture('gpus-2.csv')), parseComputeAppsCsv(readFixture('apps-2.csv')), (pid) => (pid === 48213 || pid === 49377 ? 'r-1a2b' : null));
    assert.deepEqual(gpus[0]?.processes, [
      { pid: 48213, name: '/home/ana/miniconda3/envs/det/bin/python', memoryMiB: 21874, runId: 'r-1a2b' },
      { pid: 51102, name: '/usr/bin/python3', memoryMiB: 276, runId: null },
    ]);
    assert.deepEqual(gpus[1]?.processes, [{ pid: 49377, name: '/home/ana/miniconda3/envs/det/bin/python', memoryMiB: 9602, runId: 'r-1a2b' }]);
    assert.equal(gpus[0]?.utilization, 97);
  });
});

describe('an nvidia-smi answer without GPUs', () => {
  it('GPU lines are no failure', () => assert.equal(gpuFailure(readFixture('gpus-2.csv'), '', 0), null));
  it('no devices is none', () => assert.deepEqual(gpuFailure(readFixture('no-devices.txt'), '', 6), { kind: 'none', message: 'no NVIDIA GPU found' }));
  it('no nvidia-smi (exit 127) is none', () => {
    assert.deepEqual(gpuFailure('', 'bash: line 1: nvidia-smi: command not found\n', 127), { kind: 'none', message: 'no nvidia-smi found' });
    assert.deepEqual(gpuFailure('', 'sh: 1: nvidia-smi: not found\n', 1), { kind: 'none', message: 'no nvidia-smi found' });
  });
  it('a driver it cannot talk to is an error in its own words', () => {
    assert.deepEqual(gpuFailure(readFixture('driver-error.txt'), '', 9), {
      kind: 'error',
      message: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.",
    });
    assert.deepEqual(gpuFailure('Failed to initialize NVML: Driver/library version mismatch\nNVML library version: 535.183\n', '', 18), { kind: 'error', message: 'Failed to initialize NVML: Driver/library version mismatch' });
  });
});

describe('the fake nvidia-smi', () => {
  const run = async (bin: string, query: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(path.join(bin, 'nvidia-smi'), [query, '--format=csv,noheader,nounits']);
      return { stdout, stderr, code: 0 };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string; code: number };
      return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
    }
  };

  it('answers both queries like the real one, and fails like it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'labdesk-nvidia-smi-'));
    try {
      await writeFakeNvidiaSmi(path.join(dir, 'ok'), 'gpus-2');
      const gpus = await run(path.join(dir, 'ok'), `--query-gpu=${GPU_QUERY}`);
      const apps = await run(path.join(dir, 'ok'), `--query-compute-apps=${APPS_QUERY}`);
      assert.equal(attachProcesses(parseGpuCsv(gpus.stdout), parseComputeAppsCsv(apps.stdout), () => null).flatMap((gpu) => gpu.processes).length, 3);
      assert.equal((await run(path.join(dir, 'ok'), '--query-gpu=index,name')).code, 2);
      await writeFakeNvidiaSmi(path.join(dir, 'none'), 'no-devices');
      const none = await run(path.join(dir, 'none'), `--query-gpu=${GPU_QUERY}`);
      assert.deepEqual(gpuFailure(none.stdout, none.stderr, none.code), { kind: 'none', message: 'no NVIDIA GPU found' });
      assert.equal(none.code, 6);
      await writeFakeNvidiaSmi(path.join(dir, 'driver'), 'driver-error');
      const driver = await run(path.join(dir, 'driver'), `--query-gpu=${GPU_QUERY}`);
      assert.equal(driver.code, 9);
      assert.equal(gpuFailure(driver.stdout, driver.stderr, driver.code)?.kind, 'error');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('gpustat --json', () => {
  it('reads GPUs in MiB and W, null stays null, null processes are none', () => {
    const [busy, idle] = parseGpustatJson(readFixture('gpustat.json'));
    assert.deepEqual(busy, {
      index: 0,
      uuid: 'GPU-8d1f3a57-2c6e-4b09-9e73-5a0c8f2d1b46',
      name: 'NVIDIA RTX A6000',
      utilization: 94,
      memoryUsedMiB: 41237,
      memoryTotalMiB: 49140,
      temperatureC: 78,
      powerW: 287,
      powerLimitW: 300,
      mig: false,
      processes: [
        { pid: 73421, name: 'python', memoryMiB: 40694, runId: null },
        { pid: 80116, name: 'python3', memoryMiB: 530, runId: null },
      ],
    });
    assert.equal(idle?.powerW, null);
    assert.deepEqual(idle?.processes, []);
  });

  it('output that is not JSON, or has no gpus, throws a clear error', () => {
    assert.throws(() => parseGpustatJson('Traceback (most recent call last):\n  File "gpustat"'), /gpustat --json printed something that is not JSON.*Traceback/);
    assert.throws(() => parseGpustatJson('{"hostname": "gpu1"}'), /without a "gpus" list/);
  });
});

describe('/proc', () => {
  it('CPU busy % from two /proc/stat samples, guest time counted once', () => {
    const first = parseCpuTimes(readFixture('proc-stat-1.txt'));
    const second = parseCpuTimes(readFixture('proc-stat-2.txt'));
    // cpu  4705219 1783 1021466 35288420 40127 0 18935 0 312004 0
    // cpu  4705631 1783 1021562 35288701 40135 0 18939 0 312124 0
    // Δ user 412 (of which guest 120), nice 0, system 96, idle 281, iowait 8, softirq 4.
    // total = (user − guest) + nice + system + irq + softirq + steal + idle + iowait + guest + guest_nice
    const total = 412 - 120 + 0 + 96 + 0 + 4 + 0 + (281 + 8) + 120 + 0; // 801
    const idle = 281 + 8;
    assert.equal(second!.total - first!.total, total);
    assert.equal(second!.idle - first!.idle, idle);
    assert.equal(cpuBusyPercent(first, second), Math.round(((total - idle) / total) * 1000) / 10);
    assert.equal(cpuBusyPercent(first, second), 63.9); // all ten columns summed would say 68.6
  });

  it('the first sample, no time passed, or a reboot: no busy %', () => {
    const times = parseCpuTimes(readFixture('proc-stat-1.txt'));
    assert.equal(cpuBusyPercent(null, times), null);
    assert.equal(cpuBusyPercent(times, times), null);
    assert.equal(cpuBusyPercent(parseCpuTimes(readFixture('proc-stat-2.txt')), parseCpuTimes('cpu  10 0 10 80 0 0 0 0 0 0\n')), null);
    assert.equal(parseCpuTimes('intr 1 2 3\n'), null);
  });

  it('old kernels with fewer cpu columns', () => {
    assert.deepEqual(parseCpuTimes('cpu  100 5 50 800\ncpu0 100 5 50 800\n'), { idle: 800, total: 955 });
  });

  it('memory: used is total − MemAvailable, bytes, swap used', () => {
    assert.deepEqual(parseMeminfo(readFixture('meminfo.txt')), {
      totalBytes: 263782844 * 1024,
      usedBytes: (263782844 - 187433716) * 1024,
      availableBytes: 187433716 * 1024,
      swapUsedBytes: (8388604 - 7861244) * 1024,
      swapTotalBytes: 8388604 * 1024,
    });
  });

  it('a kernel without MemAvailable: free + buffers + cached', () => {
    const old = readFixture('meminfo.txt').split('\n').filter((line) => !line.startsWith('MemAvailable:')).join('\n');
    const available = 9731220 + 2104388 + 171902644;
    assert.equal(parseMeminfo(old)?.availableBytes, available * 1024);
    assert.equal(parseMeminfo(old)?.usedBytes, (263782844 - available) * 1024);
    assert.equal(parseMeminfo('Nonsense: 1 kB\n'), null);
  });

  it('load averages', () => {
    assert.deepEqual(parseLoadavg(readFixture('loadavg.txt')), [3.84, 2.91, 1.47]);
    assert.equal(parseLoadavg(''), null);
    assert.equal(parseLoadavg('1.0 x 2.0'), null);
  });
});

describe('df -P -k', () => {
  it('one path', () => {
    assert.deepEqual(parseDfOne(readFixture('df.txt'), '/data/ana'), { path: '/data/ana', mount: '/data', totalBytes: 3844640564 * 1024, availableBytes: 737214788 * 1024, usedPercent: 80 });
  });

  it('a mount point and a file system name with spaces', () => {
    const out = 'Filesystem     1024-blocks      Used Available Capacity Mounted on\nmap auto_home            0         0         0     100% /System/Volumes/Data/home\n//ana@nas/Lab Share  976762584 488381292 488381292      50% /mnt/Lab Share\n';
    assert.deepEqual(parseDfOne(out, '/mnt/Lab Share/runs'), { path: '/mnt/Lab Share/runs', mount: '/mnt/Lab Share', totalBytes: 976762584 * 1024, availableBytes: 488381292 * 1024, usedPercent: 50 });
  });

  it('a path df could not read: no disk', () => {
    assert.equal(parseDfOne('Filesystem     1024-blocks      Used Available Capacity Mounted on\n', '/gone'), null);
    assert.equal(parseDfOne('', '/gone'), null);
  });

});
