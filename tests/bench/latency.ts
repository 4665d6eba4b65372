// A TCP proxy that adds latency on loopback (../shared/tools/latency-proxy.mjs), for the benchmarks.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export const LATENCY_PROXY = '/work/shared/tools/latency-proxy.mjs';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startProxy(targetPort: number, oneWayMs: number): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [LATENCY_PROXY, String(port), String(targetPort), String(oneWayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`latency proxy exited with ${code}`)));
    child.stdout?.once('data', () => resolve());
  });
  child.stdout?.resume();
  return { port, child };
}

