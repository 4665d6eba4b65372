// Benchmarks: `node --import tsx tests/bench/index.ts <suite> [options]`.
//   sync [--quick] [--cases a,b,c,n,na,nb,d,w] [--nets loopback,rtt] [--runs 3] [--budget-min 20]
//        the sync engine vs rsync vs OpenSSH sftp, loopback and 20 ms RTT (~15 min with 3 runs)
//        a: ML repo push, b: 5,000 files, c: 256 MiB file, n: no-op resyncs of a and b, d: save latency
//   graph [--repo DIR] [--small DIR] [--runs 3] [--no-window]
//        `labdesk graph` vs `git log --graph` on a big history (git/git), and the isomorphic-git fallback;
//        then the graph in the window (labdesk web + Chromium): first rows after the click, End to the last row

import { runGraphBench } from './graph-bench';
import { runGraphWindowBench } from './graph-window-bench';
import { runSyncBench } from './sync-bench';

const [suite, ...args] = process.argv.slice(2);
switch (suite) {
  case 'sync':
    await runSyncBench(args);
    break;
  case 'graph':
    await runGraphBench(args);
    if (!args.includes('--no-window')) await runGraphWindowBench(args);
    break;
  default:
    console.error('usage: node --import tsx tests/bench/index.ts sync [--quick] [--cases a,b,c,n,na,nb,d,w] [--nets loopback,rtt] [--runs N] [--budget-min M] [--ml-tree DIR]\n       node --import tsx tests/bench/index.ts graph [--repo DIR] [--small DIR] [--runs N]');
    process.exitCode = 2;
}
