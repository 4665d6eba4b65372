// Benchmarks: `node --import tsx tests/bench/index.ts <suite> [options]`.
//   sync [--quick] [--cases a,b,c,n,na,nb,d,w] [--nets loopback,rtt] [--runs 3] [--budget-min 20]
//        the sync engine vs rsync vs OpenSSH sftp, loopback and 20 ms RTT (~15 min with 3 runs)
//        a: ML repo push, b: 5,000 files, c: 256 MiB file, n: no-op resyncs of a and b, d: save latency
//   graph [--repo DIR] [--small DIR] [--runs 3] [--no-window]
//        `labdesk graph` vs `git log --graph` on a big history (git/git), and the isomorphic-git fallback;
//        then the graph in the window (labdesk web + Chromium): first rows after the click, End to the last row
//   runs [--tree DIR] [--runs 3]
//        labdesk run at 20 ms RTT vs ssh + tmux new alone, labdesk runs over 50 runs vs one round trip,
//        the tail of a 1 GB log, journal search over 5,000 entries
//   terminal [--keys 40]
//        a key's echo in the window's terminal vs ssh -tt, cat of 100 MB with memory, one monitor sample's cost

import { runGraphBench } from './graph-bench';
import { runGraphWindowBench } from './graph-window-bench';
import { runRunsBench } from './runs-bench';
import { runSyncBench } from './sync-bench';
import { runTerminalBench } from './terminal-bench';

const [suite, ...args] = process.argv.slice(2);
switch (suite) {
  case 'sync':
    await runSyncBench(args);
    break;
  case 'graph':
    await runGraphBench(args);
    if (!args.includes('--no-window')) await runGraphWindowBench(args);
    break;
  case 'runs':
    await runRunsBench(args);
    break;
  case 'terminal':
    await runTerminalBench(args);
    break;
  default:
    console.error('usage: node --import tsx tests/bench/index.ts sync [--quick] [--cases a,b,c,n,na,nb,d,w] [--nets loopback,rtt] [--runs N] [--budget-min M] [--ml-tree DIR]\n       node --import tsx tests/bench/index.ts graph [--repo DIR] [--small DIR] [--runs N]\n       node --import tsx tests/bench/index.ts runs [--tree DIR] [--runs N]\n       node --import tsx tests/bench/index.ts terminal [--keys N]');
    process.exitCode = 2;
}
