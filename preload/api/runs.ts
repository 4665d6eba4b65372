import type { PatchResult } from './git';
import type { RemoteTransferReport } from './remote';

/** Runs: a command launched on a target, recorded with its exact code in journal/runs/<id>/. */

export type RunStatus = 'launching' | 'queued' | 'running' | 'succeeded' | 'failed' | 'stopped' | 'lost';

/** journal/runs/<id>/run.json. */
export interface RunRecord {
  readonly id: string;
  readonly status: RunStatus;
  readonly exitCode: number | null;
  /** The command line, as the user gave it. */
  readonly command: string;
  /** The target as given: a name from .labdesk/project.json, or an ssh:// address. */
  readonly target: string;
  readonly host: string;
  readonly remoteRoot: string;
  /** `<remote root>/.labdesk/runs/<id>`: the wrapper, output.log, exit_code. */
  readonly runDir: string;
  readonly launcher: 'tmux' | 'slurm';
  /** tmux session name (tmux -L labdesk), or the Slurm job id. */
  readonly session: string | null;
  readonly environment: string | null;
  /** The journal entry it belongs to (journal/….md), if any. */
  readonly entry: string | null;
  readonly code: {
    readonly commit: string | null;
    readonly branch: string | null;
    readonly dirty: boolean;
    /** code.patch in the run's folder, when there were changes. */
    readonly patch: string | null;
    readonly untracked: readonly string[];
    readonly largeFiles: ReadonlyArray<{ readonly path: string; readonly size: number; readonly sha256: string }>;
  };
  /** Config and list files the command names, copied into configs/. */
  readonly configs: readonly string[];
  /** Lock files of the environment (Pipfile.lock, requirements*.txt, …), copied into env/. */
  readonly environmentFiles: readonly string[];
  /** manifest.json: every synced file with its content hash, as the server had it at launch. */
  readonly manifest: string;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  /** Set when the user asked to stop it. */
  readonly stopRequested?: boolean;
  /** How a Slurm job ended when its wrapper could not say (TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, …). */
  readonly endReason?: string;
}

/** A window of a run's output.log, read on the server from an offset. */
export interface RunLogChunk {
  readonly text: string;
  /** Where the next read starts (the end of `text`). */
  readonly offset: number;
  /** The log's size now. */
  readonly size: number;
}

/** Lines of a whole run log that hold a text, found on the server. */
export interface RunLogSearch {
  readonly matches: ReadonlyArray<{ readonly line: number; /** Where the line starts in the log, for runs.log. */ readonly offset: number; readonly text: string }>;
  /** More lines matched than were returned. */
  readonly more: boolean;
}

/** The numbers found in a run's log, per metric, over steps. */
export interface RunMetrics {
  readonly series: ReadonlyArray<{ readonly name: string; readonly steps: readonly number[]; readonly values: readonly number[] }>;
  /** The whole log has been read (else ask again for more). */
  readonly complete: boolean;
  readonly bytesRead: number;
  readonly size: number;
}

export interface RunsApi {
  /** Every recorded run of the project, newest first. */
  list(arg: Record<string, never>): Promise<readonly RunRecord[]>;
  /** Pushes the code to the active target (a conflict stops it), records the run and starts it. */
  launch(arg: {
    readonly command: string;
    readonly launcher?: 'tmux' | 'slurm';
    readonly entry?: string;
    /** Instead of the target's environment line (empty: none). */
    readonly environment?: string;
  }): Promise<RunRecord>;
  /** Ends a run (tmux kill-session or scancel); it is recorded as stopped. */
  stop(arg: { readonly id: string }): Promise<RunRecord>;
  /** Up to 256 KB of the run's log from `offset` (follow by asking again from the returned offset). */
  log(arg: { readonly id: string; readonly offset: number }): Promise<RunLogChunk>;
  /** The lines of the whole log holding `query` (plain text, ASCII case ignored), searched on the server. */
  searchLog(arg: { readonly id: string; readonly query: string }): Promise<RunLogSearch>;
  /** Metrics from the run's log (`loss=0.12`, `acc: 0.9`, `'val/mAP': 41.2`), read on from the last call. */
  metrics(arg: { readonly id: string }): Promise<RunMetrics>;
  /** The run's code.patch (its changes on top of its commit), as the patch view takes it. */
  patch(arg: { readonly id: string }): Promise<PatchResult>;
  /** A new branch `run/<id>` at the run's commit with its patch applied; refused when the working tree has changes. */
  checkoutCode(arg: { readonly id: string }): Promise<{ readonly branch: string }>;
  /** Launches the same command again on the active target, with the code as it is now. */
  runAgain(arg: { readonly id: string }): Promise<RunRecord>;
  /** Copies outputs of the run (paths relative to the remote root) into journal/runs/<id>/outputs/. */
  fetchOutputs(arg: { readonly id: string; readonly paths: readonly string[] }): Promise<RemoteTransferReport>;
}

/** A run that has ended for good: its status changes no more. */
export function isRunFinished(status: RunStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'stopped';
}
