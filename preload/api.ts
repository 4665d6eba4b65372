/**
 * The one contract between the renderer and main.
 *
 * This file is "common" code: no Node, no DOM, no Electron. The preload, the renderer, the web
 * host and main's dispatch table all import it. Every method takes one plain-JSON argument object
 * and resolves to plain JSON; failures reject with an `ApiError` carrying a machine-readable code.
 *
 * Transports only move envelopes (`CallResult`). `createApi(bridge)` turns any bridge (Electron
 * IPC through the preload, or the web host's WebSocket) into the typed `LabdeskApi` below, so the
 * renderer cannot tell which transport it is on.
 */

// ---------------------------------------------------------------------------------------------
// Data types

export type ThemeName = 'light' | 'dark';

export interface AppInfo {
  readonly version: string;
  /** 'electron' in the desktop app, 'web' when served by `labdesk web` (tests use this too). */
  readonly host: 'electron' | 'web';
  readonly platform: string;
  /** True where the host can show a native folder picker (Electron). */
  readonly canPickFolder: boolean;
}

export interface Settings {
  readonly theme: ThemeName;
  readonly vimMode: boolean;
  readonly recentProjects: readonly RecentProject[];
}

export interface RecentProject {
  readonly path: string;
  readonly name: string;
  readonly openedAt: string;
}

export interface WorkspaceInfo {
  /** Absolute path of the root on the machine running main (shown to the user, never sent back). */
  readonly root: string;
  readonly name: string;
}

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

export interface DirEntry {
  /** Workspace-relative POSIX path, e.g. `configs/train.yaml`. */
  readonly path: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly size: number;
  readonly mtimeMs: number;
  /** For symlinks: the link text as stored (never followed by the tree). */
  readonly linkTarget?: string;
}

export type FileContent =
  | {
      readonly kind: 'text';
      readonly path: string;
      readonly text: string;
      readonly size: number;
      readonly mtimeMs: number;
      /** Files over the size limit open read-only; `notice` says why. */
      readonly readOnly: boolean;
      readonly notice?: string;
    }
  | { readonly kind: 'binary'; readonly path: string; readonly size: number; readonly mtimeMs: number }
  | { readonly kind: 'too-large'; readonly path: string; readonly size: number; readonly mtimeMs: number };

export interface WriteResult {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface FileIndex {
  /** Every file in the workspace (workspace-relative), skipping hidden folders like `.git`. */
  readonly files: readonly string[];
  /** True when the walk stopped at the limit; the list is then partial. */
  readonly truncated: boolean;
}

export type FileChangeType = 'create' | 'update' | 'delete';

export interface FileChange {
  readonly path: string;
  readonly type: FileChangeType;
}

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface Notification {
  readonly id: string;
  readonly level: NotificationLevel;
  readonly message: string;
  /** What the notification is about (file path, host name) so the UI can show it next to it. */
  readonly source?: string;
}

export interface TaskProgress {
  readonly id: string;
  readonly title: string;
  readonly done: number;
  /** Null while the total is not known yet. */
  readonly total: number | null;
  readonly unit: string;
  readonly cancellable: boolean;
  readonly state: 'running' | 'done' | 'cancelled' | 'failed';
  readonly message?: string;
  /** Bytes moved so far and in all (transfers); absent for work that is not about bytes. */
  readonly bytes?: { readonly done: number; readonly total: number | null };
}

/** A question main asks the person (an unknown host key, a password); answered with `prompts.answer`. */
export type PromptRequest =
  | {
      readonly id: string;
      readonly kind: 'host-key';
      readonly host: string;
      readonly port: number;
      readonly keyType: string;
      readonly fingerprint: string;
    }
  | {
      readonly id: string;
      readonly kind: 'secret';
      readonly secretKind: 'password' | 'passphrase' | 'keyboard-interactive';
      readonly host: string;
      readonly user: string;
      readonly prompt: string;
      readonly echo: boolean;
    };


// ---------------------------------------------------------------------------------------------
// Sync (servers ("targets") and upload on save)

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

// ---------------------------------------------------------------------------------------------
// Remote explorer (the active target's server, browsed over its one connection)

/** One entry on the server. Paths are absolute POSIX paths on the server. */
export interface RemoteEntry {
  readonly path: string;
  readonly name: string;
  readonly kind: EntryKind;
  readonly size: number;
  /** Whole seconds from the server (SFTPv3), times 1000. */
  readonly mtimeMs: number;
  /** Permission bits (st_mode & 0o7777). */
  readonly mode: number;
  /** For symlinks: the link text as stored, and what it points at (null when dangling). */
  readonly linkTarget?: string;
  readonly linkKind?: 'file' | 'dir' | 'other' | null;
}

export interface RemoteListing {
  /** The folder listed (absolute, normalised). */
  readonly dir: string;
  /** Folders first, then by name. */
  readonly entries: readonly RemoteEntry[];
  /** True when the folder held more entries than the list limit; the list is then partial. */
  readonly truncated: boolean;
}

/** A remote file opened in the editor; `size` + `mtimeMs` are what a save expects to replace. */
export type RemoteFileOpen =
  | { readonly kind: 'text'; readonly path: string; readonly text: string; readonly size: number; readonly mtimeMs: number; readonly readOnly: boolean; readonly notice?: string }
  | { readonly kind: 'binary' | 'too-large'; readonly path: string; readonly size: number; readonly mtimeMs: number };

/** What a download or upload did; nothing that differs on the receiving side is overwritten. */
export interface RemoteTransferReport {
  readonly files: number;
  readonly folders: number;
  readonly bytes: number;
  /** Entries not written, with the reason (changed on both sides, a link, a name clash…). */
  readonly skipped: readonly { readonly path: string; readonly message: string }[];
  readonly seconds: number;
}

// ---------------------------------------------------------------------------------------------
// Methods

export interface LabdeskApi {
  app: {
    info(arg: Record<string, never>): Promise<AppInfo>;
  };
  settings: {
    get(arg: Record<string, never>): Promise<Settings>;
    update(arg: { theme?: ThemeName; vimMode?: boolean }): Promise<Settings>;
  };
  workspace: {
    /** Opens a folder by absolute path (web mode's path field, the CLI, recent projects). */
    open(arg: { path: string }): Promise<WorkspaceInfo>;
    /** Shows the native folder picker (Electron); null when cancelled. */
    pickAndOpen(arg: Record<string, never>): Promise<WorkspaceInfo | null>;
    current(arg: Record<string, never>): Promise<WorkspaceInfo | null>;
    list(arg: { dir: string }): Promise<readonly DirEntry[]>;
    index(arg: Record<string, never>): Promise<FileIndex>;
    read(arg: { path: string }): Promise<FileContent>;
    /**
     * Atomic write (temp file + rename). When `expectedMtimeMs` is given and the file on disk no
     * longer has it, nothing is written and the call fails with code `changed-on-disk`.
     */
    write(arg: { path: string; text: string; expectedMtimeMs?: number }): Promise<WriteResult>;
    createFile(arg: { path: string }): Promise<DirEntry>;
    createFolder(arg: { path: string }): Promise<DirEntry>;
    rename(arg: { from: string; to: string }): Promise<DirEntry>;
    /** Moves to the OS trash; nothing is deleted for good. */
    delete(arg: { path: string }): Promise<{ path: string }>;
  };
  tasks: {
    cancel(arg: { id: string }): Promise<{ cancelled: boolean }>;
  };
  sync: {
    /** The project's targets and the active one. */
    targets(arg: Record<string, never>): Promise<SyncTargets>;
    /** Adds or replaces a target in `.labdesk/project.json` (atomically; other settings are kept). */
    saveTarget(arg: { name: string; host: string; remoteRoot: string; port?: number; user?: string; identityFile?: string }): Promise<SyncTargets>;
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
  };
  /**
   * The remote explorer: the active target's server over its one connection. Paths are absolute
   * on the server; listing and opening follow links (to browse `data/` → /mnt/data), while
   * rename and delete act on the link itself, never on what it points at.
   */
  remote: {
    list(arg: { dir: string }): Promise<RemoteListing>;
    /** Opens a server file for the editor (UTF-8 text up to 5 MB; otherwise says why not). */
    read(arg: { path: string }): Promise<RemoteFileOpen>;
    /**
     * Atomic write on the server (temp + posix-rename). When the file's size or mtime is no longer
     * `expected` (or its content is no longer what was read), nothing is written: code `conflict`.
     * `expected: null` creates the file and is a `conflict` if anything exists there. A file reached
     * through a link is written at the link's target, so the link stays a link.
     */
    write(arg: { path: string; text: string; expected?: { size: number; mtimeMs: number } | null }): Promise<RemoteEntry>;
    /**
     * Downloads server files or folders into the local folder `toDir` (workspace-relative), as a
     * cancellable task. A local file that differs is skipped, unless sync mirrors it from that
     * very server path and it is unchanged here since the last sync (then it is pulled and the
     * sync base recorded). Server links are never followed: recreated as links when relative and
     * inside the download, else skipped. Ignore rules do not apply to what was picked (logs and
     * outputs are usually ignored on purpose); Labdesk temp files are never copied.
     */
    download(arg: { paths: string[]; toDir: string }): Promise<RemoteTransferReport>;
    /**
     * Uploads local files or folders (workspace-relative) into the server folder `toDir`, as a
     * cancellable task; existing different files are skipped, identical ones count as done. Links
     * follow the sync rules (kept only when relative and inside the project); ignore rules do not
     * apply to what was picked.
     */
    upload(arg: { paths: string[]; toDir: string }): Promise<RemoteTransferReport>;
    mkdir(arg: { path: string }): Promise<RemoteEntry>;
    /** Renames on the server; refuses to replace an existing entry. */
    rename(arg: { from: string; to: string }): Promise<RemoteEntry>;
    /** Deletes on the server (folders with everything inside; a link is removed, not its target). The UI asks first. */
    delete(arg: { path: string }): Promise<{ path: string; removed: number }>;
  };
  prompts: {
    /** Answers a `prompt` event: true/false for a host key, the text (or null to cancel) for a secret. */
    answer(arg: { id: string; value: string | boolean | null }): Promise<{ accepted: boolean }>;
  };
}

export interface LabdeskEvents {
  /** Ask the renderer to run one of its commands (e.g. from the native menu), by command id. */
  command: { readonly id: string };
  'workspace.changed': { readonly changes: readonly FileChange[] };
  'workspace.opened': WorkspaceInfo;
  notification: Notification;
  progress: TaskProgress;
  prompt: PromptRequest;
  /** A prompt was answered elsewhere or timed out; the window should close its dialog. */
  'prompt.closed': { readonly id: string };
  /** Where the code is relative to the active server; sent on every change. */
  'sync.status': SyncStatus;
}

export type EventName = keyof LabdeskEvents;

/** Every method name as `domain.method`. The list is the single source for proxies and tables. */
export const METHOD_NAMES = [
  'app.info',
  'settings.get',
  'settings.update',
  'workspace.open',
  'workspace.pickAndOpen',
  'workspace.current',
  'workspace.list',
  'workspace.index',
  'workspace.read',
  'workspace.write',
  'workspace.createFile',
  'workspace.createFolder',
  'workspace.rename',
  'workspace.delete',
  'tasks.cancel',
  'sync.targets',
  'sync.saveTarget',
  'sync.removeTarget',
  'sync.activate',
  'sync.status',
  'sync.plan',
  'sync.run',
  'sync.readRemote',
  'sync.resolveConflict',
  'remote.list',
  'remote.read',
  'remote.write',
  'remote.download',
  'remote.upload',
  'remote.mkdir',
  'remote.rename',
  'remote.delete',
  'prompts.answer',
] as const satisfies readonly MethodNameOf<LabdeskApi>[];

export const EVENT_NAMES = [
  'command',
  'workspace.changed',
  'workspace.opened',
  'notification',
  'progress',
  'prompt',
  'prompt.closed',
  'sync.status',
] as const satisfies readonly EventName[];

type MethodNameOf<T> = {
  [D in keyof T & string]: { [M in keyof T[D] & string]: `${D}.${M}` }[keyof T[D] & string];
}[keyof T & string];

export type MethodName = MethodNameOf<LabdeskApi>;

type Split<N extends string> = N extends `${infer D}.${infer M}` ? [D, M] : never;
type MethodOf<N extends MethodName> = Split<N> extends [infer D extends keyof LabdeskApi, infer M]
  ? M extends keyof LabdeskApi[D]
    ? LabdeskApi[D][M]
    : never
  : never;

export type ArgOf<N extends MethodName> = MethodOf<N> extends (arg: infer A) => unknown ? A : never;
export type ResultOf<N extends MethodName> =
  MethodOf<N> extends (arg: never) => Promise<infer R> ? R : never;

// Compile-time check that METHOD_NAMES lists every method, not just a subset.
type Missing = Exclude<MethodName, (typeof METHOD_NAMES)[number]>;
const everyMethodListed: [Missing] extends [never] ? true : Missing = true;
void everyMethodListed;
type MissingEvent = Exclude<EventName, (typeof EVENT_NAMES)[number]>;
const everyEventListed: [MissingEvent] extends [never] ? true : MissingEvent = true;
void everyEventListed;

// ---------------------------------------------------------------------------------------------
// Errors and envelopes

export type ErrorCode =
  | 'bad-argument'
  | 'unknown-method'
  | 'no-workspace'
  | 'outside-workspace'
  | 'not-found'
  | 'already-exists'
  | 'not-a-directory'
  | 'is-a-directory'
  | 'permission-denied'
  | 'disk-full'
  | 'changed-on-disk'
  /** Sync: the server's copy changed since it was last synced or shown; nothing was written. */
  | 'conflict'
  /** Sync: no target is active, or its connection is not up. */
  | 'not-connected'
  | 'not-supported'
  | 'cancelled'
  | 'internal';

export interface ApiErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  /** For `bad-argument`: the argument (dotted path) that was wrong. */
  readonly argument?: string;
}

export class ApiError extends Error implements ApiErrorData {
  readonly code: ErrorCode;
  readonly argument?: string;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.name = 'ApiError';
    this.code = data.code;
    if (data.argument !== undefined) this.argument = data.argument;
  }
}

export type CallResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ApiErrorData };

/** What a transport provides. `window.labdesk` in Electron is exactly this. */
export interface LabdeskBridge {
  call(method: string, arg: unknown): Promise<CallResult>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export interface TypedEvents {
  on<E extends EventName>(event: E, listener: (payload: LabdeskEvents[E]) => void): () => void;
}

/** Builds the typed API over any bridge; failed calls reject with `ApiError`. */
export function createApi(bridge: LabdeskBridge): LabdeskApi & TypedEvents {
  const api: Record<string, Record<string, (arg: unknown) => Promise<unknown>>> = {};
  for (const name of METHOD_NAMES) {
    const [domain, method] = name.split('.') as [string, string];
    const group = (api[domain] ??= {});
    group[method] = async (arg: unknown) => {
      const result = await bridge.call(name, arg ?? {});
      if (result.ok) return result.value;
      throw new ApiError(result.error);
    };
  }
  const events: TypedEvents = {
    on: (event, listener) => bridge.on(event, listener as (payload: unknown) => void),
  };
  return Object.assign(api as unknown as LabdeskApi, events);
}

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name);
}
