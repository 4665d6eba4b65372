/** Sync: servers ("targets") and upload on save. */

/** A server the project syncs to, as kept in `.labdesk/project.json` (never a secret). */
export interface SyncTargetInfo {
  readonly name: string;
  /** An ssh config alias (`gpu1`) or a host name / address. */
  readonly host: string;
  /** Absolute POSIX folder on the server that mirrors the project root. */
  readonly remoteRoot: string;
  readonly port?: number;
  readonly user?: string;
  readonly identityFile?: string;
  /** Applied to runs and terminals: `conda activate x`, `source .venv/bin/activate`, `pipenv run`. */
  readonly environment?: string;
  /** The data-disk folder whose model/, data/, output/ are linked into the remote root. */
  readonly dataRoot?: string;
  /** How runs start there unless a launch says otherwise. */
  readonly launcher?: 'tmux' | 'slurm';
  readonly slurm?: SlurmOptions;
}

/**
 * The Server view's form. The connection fields are replaced on every save; a run field
 * (environment, dataRoot, launcher, slurm) is replaced when given (empty clears it) and kept as
 * written in project.json when left out.
 */
export type SyncTargetInput = Omit<SyncTargetInfo, 'launcher'> & { readonly launcher?: SyncTargetInfo['launcher'] | '' };

/** sbatch options of a target's runs. */
export interface SlurmOptions {
  readonly partition?: string;
  /** GPUs per job (`--gres=gpu:N`). */
  readonly gpus?: number;
  /** As sbatch takes it: 4:00:00, 2-00:00:00. */
  readonly time?: string;
}

export interface SyncTargets {
  readonly targets: readonly SyncTargetInfo[];
  /** The target upload-on-save pushes to, or null. */
  readonly active: string | null;
}

export type SyncConnection = 'off' | 'connecting' | 'connected' | 'offline';

export interface SyncConflict {
  readonly path: string;
  readonly message: string;
}

export interface SyncStatus {
  readonly target: string | null;
  readonly connection: SyncConnection;
  /** Why the connection is offline or the last push failed; null when all is well. */
  readonly error: string | null;
  /** Local changes not on the server yet (queued saves + what the last plan would upload or delete). */
  readonly pending: number;
  readonly conflicts: readonly SyncConflict[];
  readonly lastPush: { readonly at: string; readonly files: number } | null;
}

export type SyncPlanItemType = 'upload' | 'mkdir' | 'symlink' | 'delete' | 'conflict' | 'skip' | 'keep-remote';

export interface SyncPlanItem {
  readonly type: SyncPlanItemType;
  readonly path: string;
  /** Why (upload: new / changed / …; skip and conflict: the reason in words). */
  readonly detail: string;
}

export interface SyncPlanSummary {
  readonly target: string;
  readonly host: string;
  readonly counts: {
    readonly upload: number;
    readonly mkdir: number;
    readonly symlink: number;
    readonly delete: number;
    readonly conflict: number;
    readonly skip: number;
    readonly keepRemote: number;
  };
  /** Everything the plan would do or refuses to do (files already in sync are left out). */
  readonly items: readonly SyncPlanItem[];
  readonly warnings: readonly { readonly path: string; readonly message: string }[];
  /** Set when the plan must not run (e.g. it would empty the server folder). */
  readonly halted: string | null;
  /** True when `items` was cut at the list limit (counts are complete). */
  readonly truncated: boolean;
}

export interface SyncIssueInfo {
  readonly path: string;
  readonly reason: string;
  readonly message: string;
}

export interface SyncRunReport {
  readonly uploaded: number;
  readonly deleted: number;
  readonly created: number;
  readonly conflicts: readonly SyncIssueInfo[];
  readonly errors: readonly SyncIssueInfo[];
  readonly skipped: readonly SyncIssueInfo[];
  readonly warnings: readonly { readonly path: string; readonly message: string }[];
  readonly keptRemote: number;
  readonly bytes: number;
  readonly seconds: number;
}

export type RemoteFileContent =
  | { readonly kind: 'text'; readonly path: string; readonly text: string; readonly size: number }
  | { readonly kind: 'binary' | 'too-large'; readonly path: string; readonly size: number }
  | { readonly kind: 'missing'; readonly path: string; readonly size: 0 };

export interface SyncApi {
  /** The project's targets and the active one. */
  targets(arg: Record<string, never>): Promise<SyncTargets>;
  /** Adds or replaces a target in `.labdesk/project.json` (atomically; other settings are kept). */
  saveTarget(arg: SyncTargetInput): Promise<SyncTargets>;
  removeTarget(arg: { name: string }): Promise<SyncTargets>;
  /** Connects to a target (null: disconnects), plans, and turns upload on save on for it. */
  activate(arg: { name: string | null }): Promise<SyncStatus>;
  status(arg: Record<string, never>): Promise<SyncStatus>;
  /** Scans both sides and plans a full sync of the active target; nothing is written. */
  plan(arg: { deleteRemote: boolean }): Promise<SyncPlanSummary>;
  /** Plans and carries out a full sync of the active target (a cancellable task). */
  run(arg: { deleteRemote: boolean }): Promise<SyncRunReport>;
  /** The server's version of a file (for the conflict diff); remembers what was seen. */
  readRemote(arg: { path: string }): Promise<RemoteFileContent>;
  /**
   * 'mine' uploads the local file over the server version last read; 'theirs' downloads it;
   * 'merged' saves `text` (the edited merge) here and uploads it over the server version last read.
   */
  resolveConflict(arg: { path: string; choice: 'mine' | 'theirs' | 'merged'; text?: string }): Promise<SyncStatus>;
}
