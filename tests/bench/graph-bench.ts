// The graph benchmark: `labdesk graph` (the history read and laid out as the Source control view
// does) against `git log --graph` on the same repository in the same run, as processes timed from
// start to exit; and the first 500 rows (time until the command has printed them).
//
//   node --import tsx tests/bench/index.ts graph [--repo DIR] [--small DIR] [--runs N]
//
// --repo: a big history, by default a clone of git/git (~85k commits with branches and tags):
//   git clone --no-checkout https://github.com/git/git /tmp/gitgit
// --small: a ~1,500-commit history for the isomorphic-git fallback (detectron2's).
// Each figure is measured with the repository's commit-graph file ignored (core.commitGraph=false,
// for both tools) and, when the repository has one, used. Peak RSS comes from GNU time.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const CLI = path.resolve(import.meta.dirname, '../../out/cli/labdesk.js');
const GIT_GRAPH = ['log', '--graph', '--branches', '--remotes', '--tags', 'HEAD', '--format=%H'];

interface Measured {
  seconds: number;
  /** Seconds until `rows` lines had arrived (when asked). */
  firstRows?: number;
  peakMb?: number;
  /** labdesk graph said rows it had printed were printed again in another order (graph/settled-order.ts). */
  reprinted?: boolean;
}

/** Runs a process to its end with stdout read and thrown away, as a terminal or a pipe would. */
function measure(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; rows?: number }): Promise<Measured> {
  const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  const [file, argv] = timeBinary ? [timeBinary, ['-f', '%M', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, argv, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let firstRows: number | undefined;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstRows !== undefined || options.rows === undefined) return;
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) {
        if (++lines >= options.rows) {
          firstRows = (performance.now() - started) / 1000;
          break;
        }
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(-2).join(' ')}`));
      const peakKb = timeBinary ? Number(stderr.trim().split('\n').pop()) : NaN;
      const reprinted = stderr.includes('printed again');
      resolve({ seconds, ...(firstRows !== undefined && { firstRows }), ...(Number.isFinite(peakKb) && { peakMb: peakKb / 1024 }), ...(reprinted && { reprinted }) });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function repeat(runs: number, run: () => Promise<Measured>): Promise<Measured> {
  const samples: Measured[] = [];
  for (let n = 0; n < runs; n++) samples.push(await run());
  const pick = (key: keyof Measured) => {
    const values = samples.map((sample) => sample[key]).filter((value): value is number => value !== undefined);
    return values.length > 0 ? median(values) : undefined;
  };
  const firstRows = pick('firstRows');
  const peakMb = pick('peakMb');
  const reprinted = samples.some((sample) => sample.reprinted);
  return { seconds: pick('seconds') as number, ...(firstRows !== undefined && { firstRows }), ...(peakMb !== undefined && { peakMb }), ...(reprinted && { reprinted }) };
}

function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

export async function runGraphBench(args: readonly string[]): Promise<void> {
  const repo = path.resolve(option(args, '--repo') ?? '/tmp/gitgit');
  const small = option(args, '--small');
  const runs = Number(option(args, '--runs') ?? 3);
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (or npm install) first.`);
  if (!existsSync(repo)) throw new Error(`${repo} is missing. Make one: git clone --no-checkout https://github.com/git/git ${repo}`);
  const hasGraphFile = existsSync(path.join(repo, '.git', 'objects', 'info', 'commit-graph')) || existsSync(path.join(repo, '.git', 'objects', 'info', 'commit-graphs'));
  const count = (await new Promise<string>((resolve) => {
    let out = '';
    spawn('git', ['rev-list', '--count', '--branches', '--remotes', '--tags', 'HEAD'], { cwd: repo }).stdout.on('data', (chunk: Buffer) => (out += chunk)).on('end', () => resolve(out.trim()));
  })) as string;
  process.stdout.write(`graph bench: ${repo}, ${count} commits (branches, remotes, tags, HEAD); commit-graph file: ${hasGraphFile ? 'present' : 'none'}; ${runs} runs, medians\n`);

  const rows: string[] = [];
  const modes: Array<[string, string]> = hasGraphFile ? [['without commit-graph', 'false'], ['with commit-graph', 'true']] : [['without commit-graph', 'false']];
  for (const [label, use] of modes) {
    // GIT_FLUSH=0 for both: into a pipe git otherwise flushes after every commit (labdesk sets it for its own read).
    const env = { GIT_CONFIG_PARAMETERS: `'core.commitgraph=${use}'`, GIT_FLUSH: '0' };
    const git = await repeat(runs, () => measure('git', GIT_GRAPH, { cwd: repo, env, rows: 500 }));
    const ours = await repeat(runs, () => measure('node', [CLI, 'graph', repo, '--json'], { cwd: repo, env, rows: 500 }));
    rows.push(
      `| ${label.padEnd(20)} | ${ours.firstRows?.toFixed(2)} | ${git.firstRows?.toFixed(2)} | ${ours.seconds.toFixed(2)} | ${git.seconds.toFixed(2)} | ${(ours.seconds / git.seconds).toFixed(2)} | ${ours.peakMb?.toFixed(0) ?? '—'} | ${git.peakMb?.toFixed(0) ?? '—'} | ${ours.reprinted ? 'no: rows printed again' : 'yes'} |`,
    );
  }
  process.stdout.write('ours: `labdesk graph REPO --json` as a process; git: `git log --graph --branches --remotes --tags HEAD --format=%H`\n');
  process.stdout.write('"first 500 final": the first 500 rows printed are the top of the whole layout (no row was printed again)\n');
  process.stdout.write('| history              | ours first 500 s | git first 500 s | ours whole s | git whole s | ours/git | ours peak MB | git peak MB | first 500 final |\n');
  process.stdout.write('|----------------------|------------------|-----------------|--------------|-------------|----------|--------------|-------------|-----------------|\n');
  process.stdout.write(`${rows.join('\n')}\n`);

  if (small) {
    const smallRepo = path.resolve(small);
    const git = await repeat(runs, () => measure('git', GIT_GRAPH, { cwd: smallRepo }));
    const iso = await repeat(runs, () => measure('node', [CLI, 'graph', smallRepo, '--json'], { cwd: smallRepo, env: { LABDESK_GIT_ENGINE: 'isomorphic-git' } }));
    const cli = await repeat(runs, () => measure('node', [CLI, 'graph', smallRepo, '--json'], { cwd: smallRepo }));
    process.stdout.write(
      `fallback (${smallRepo}): isomorphic-git ${iso.seconds.toFixed(2)} s, system git ${cli.seconds.toFixed(2)} s, git log --graph ${git.seconds.toFixed(2)} s (isomorphic/git log ${(iso.seconds / git.seconds).toFixed(1)}×)\n`,
    );
  }
}
