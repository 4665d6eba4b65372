// Setting up and checking the active server: its data-disk folders, and what it has installed.

/** What "Set up server" did, folder by folder; nothing that existed was changed. */
export interface ServerSetupReport {
  readonly target: string;
  /** Folders made on the data disk (`/data/ada/model`). */
  readonly created: readonly string[];
  /** Links made in the remote root (`/home/ada/proj/model → /data/ada/model`). */
  readonly linked: ReadonlyArray<{ readonly link: string; readonly to: string }>;
  /** What was already there and left as it was: a folder, a file, or a link (with where it points). */
  readonly found: ReadonlyArray<{ readonly path: string; readonly what: string }>;
  readonly errors: ReadonlyArray<{ readonly path: string; readonly message: string }>;
}

export interface ServerCheckItem {
  /** `ssh`, `remote root`, `tmux`, `slurm`, `nvidia-smi`, `python`, `disk …`. */
  readonly name: string;
  /** true: fine; false: a problem to fix; null: missing but optional (no Slurm on a workstation). */
  readonly ok: boolean | null;
  readonly detail: string;
}

export interface ServerCheck {
  readonly target: string;
  readonly items: readonly ServerCheckItem[];
  readonly tookMs: number;
}

export interface ServerApi {
  /** Creates model/, data/ and output/ under the target's dataRoot and links them into the remote root. */
  setUp(arg: Record<string, never>): Promise<ServerSetupReport>;
  /** One exec: ssh, the remote root writable, tmux / Slurm / nvidia-smi / python with versions, free disk. */
  check(arg: Record<string, never>): Promise<ServerCheck>;
}
