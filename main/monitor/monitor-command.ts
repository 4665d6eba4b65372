import { shellQuote } from '../ssh';
import { APPS_QUERY, GPU_QUERY } from './nvidia-smi';

/**
 * The one script behind a monitor sample (sent to the sample shell, or run as one exec): /proc's
 * CPU, memory and load, free disk of each folder, the GPUs (nvidia-smi, else gpustat's JSON),
 * and for each GPU process its chain of parent pids, so a process can be tied to the run whose
 * wrapper started it. Each part is a `@@name` section; a missing tool leaves its section empty or
 * says why, never fails the whole sample.
 *
 * The parent chains use only shell builtins (`read` of /proc/<pid>/stat), so a sample costs a
 * few processes on the server however many GPU processes there are.
 */
export interface MonitorCommandSpec {
  /** Folders whose file system's free space is shown: the remote root, the data disk folders. */
  readonly disks: readonly string[];
  /** Runs Labdesk started on this server that are running: their wrapper's pid file. */
  readonly runs: ReadonlyArray<{ readonly id: string; readonly runDir: string }>;
}

export const SECTION = '@@';

export function monitorCommand(spec: MonitorCommandSpec): string {
  const disks = spec.disks.map(dfSection);
  const runs = spec.runs.map((run) => `read -r p < ${shellQuote(`${run.runDir}/pid`)} 2>/dev/null && printf '%s %s\\n' ${shellQuote(run.id)} "$p"`);
  const ancestors = [
    `for p in $(printf '%s\\n' "$apps" | cut -d, -f1); do`,
    `  chain=$p; q=$p; n=0`,
    // The parent pid is the 2nd field after the last ") " of /proc/<pid>/stat (the name may hold spaces).
    `  while [ "$q" -gt 1 ] 2>/dev/null && [ $n -lt 64 ] && [ -r /proc/$q/stat ] && read -r line < /proc/$q/stat; do rest=\${line##*) }; set -- $rest; q=$2; chain="$chain $q"; n=$((n + 1)); done`,
    `  echo "$chain"`,
    `done`,
  ].join('\n');
  return [
    `printf '${SECTION}stat\\n'; head -n 1 /proc/stat`,
    `printf '${SECTION}meminfo\\n'; cat /proc/meminfo`,
    `printf '${SECTION}loadavg\\n'; cat /proc/loadavg`,
    `printf '${SECTION}nproc\\n'; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN`,
    ...disks,
    `if command -v nvidia-smi >/dev/null 2>&1; then`,
    `  printf '${SECTION}gpus\\n'; nvidia-smi --query-gpu=${GPU_QUERY} --format=csv,noheader,nounits 2>&1; printf '${SECTION}gpu-exit %s\\n' "$?"`,
    `  apps=$(nvidia-smi --query-compute-apps=${APPS_QUERY} --format=csv,noheader,nounits 2>/dev/null); printf '${SECTION}apps\\n%s\\n' "$apps"`,
    `  printf '${SECTION}parents\\n'`,
    ancestors,
    `elif command -v gpustat >/dev/null 2>&1; then`,
    `  printf '${SECTION}gpustat\\n'; gpustat --json 2>&1`,
    `else`,
    `  printf '${SECTION}gpu-exit 127\\n'`,
    `fi`,
    `printf '${SECTION}runs\\n'`,
    ...runs,
    'true',
  ].join('\n');
}

/**
 * A `@@df <dir>` section: `df -P -k` of the folder, or of its nearest existing parent when it is
 * not there (yet): a remote root before the first sync is still on a disk worth showing.
 */
export function dfSection(dir: string): string {
  return `d=${shellQuote(dir)}; while [ ! -e "$d" ] && [ "$d" != / ]; do d=$(dirname "$d"); done; printf '${SECTION}df %s\\n' ${shellQuote(dir)}; df -P -k "$d" 2>/dev/null`;
}

/** The output cut into its sections: `stat`, `meminfo`, `df /data`, `gpus`, `gpu-exit 0`, … */
export function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const close = () => {
    if (name !== null) sections.set(name, lines.join('\n'));
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(SECTION)) {
      close();
      name = line.slice(SECTION.length);
      lines = [];
    } else lines.push(line);
  }
  close();
  return sections;
}
