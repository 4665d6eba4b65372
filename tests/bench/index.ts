// Benchmarks: `node --import tsx tests/bench/index.ts <suite> [options]`.
//   sync [--quick]   transfer engine vs rsync vs OpenSSH sftp, loopback and 20 ms RTT (~5 min)

import { runSyncBench } from './sync-bench';

const [suite, ...args] = process.argv.slice(2);
switch (suite) {
  case 'sync':
    await runSyncBench(args);
    break;
  default:
    console.error('usage: node --import tsx tests/bench/index.ts sync [--quick]');
    process.exitCode = 2;
}
