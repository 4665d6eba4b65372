import { create } from 'zustand';
import type { RemoteFileContent, SyncPlanSummary, SyncRunReport, SyncStatus, SyncTargetInfo } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { notify, useNotifications } from '../state/notifications-store';

/** The add/edit form: raw text of each field, so what the person typed is never lost. */
export interface TargetDraft {
  /** The name of the target being edited, or null for a new one. */
  readonly editing: string | null;
  readonly name: string;
  readonly host: string;
  readonly remoteRoot: string;
  readonly port: string;
  readonly user: string;
  readonly identityFile: string;
  readonly environment: string;
  readonly dataRoot: string;
  /** '' for tmux, the default. */
  readonly launcher: '' | 'tmux' | 'slurm';
  readonly slurmPartition: string;
  readonly slurmGpus: string;
  readonly slurmTime: string;
}

export type DraftField = Exclude<keyof TargetDraft, 'editing'>;

export interface ConflictCompare {
  readonly path: string;
  readonly local: string | null;
  readonly remote: RemoteFileContent | null;
  readonly error: string | null;
  readonly busy: boolean;
  /**
   * An edited merge to show on the right instead of the local file: kept when "Use edited version"
   * met a newer server version, so the person's merge survives the new compare.
   */
  readonly draft: string | null;
}

export type ConflictChoice = 'mine' | 'theirs' | 'merged';

export interface PlanPreview {
  readonly state: 'planning' | 'ready' | 'running' | 'done' | 'failed';
  readonly deleteRemote: boolean;
  readonly plan: SyncPlanSummary | null;
  readonly report: SyncRunReport | null;
  readonly error: string | null;
}

interface SyncState {
  readonly status: SyncStatus;
  readonly targets: readonly SyncTargetInfo[];
  readonly loaded: boolean;
  /** Why the target list could not be read (a broken project.json), shown in the Server view. */
  readonly loadError: string | null;
  readonly draft: TargetDraft | null;
  readonly fieldErrors: Partial<Record<DraftField | 'form', string>>;
  readonly activating: boolean;
  /** Error of the last activate call (also in status.error when it came from the connection). */
  readonly activateError: string | null;
  readonly preview: PlanPreview | null;
  readonly compare: ConflictCompare | null;
  setStatus(status: SyncStatus): void;
  refreshStatus(): Promise<void>;
  load(): Promise<void>;
  reset(): void;
  newDraft(): void;
  editDraft(name: string): void;
  updateDraft(field: DraftField, value: string): void;
  cancelDraft(): void;
  saveDraft(): Promise<boolean>;
  removeTarget(name: string): Promise<void>;
  activate(name: string | null): Promise<void>;
  openPreview(deleteRemote?: boolean): Promise<void>;
  runPreview(): Promise<void>;
  closePreview(): void;
  openCompare(path: string): Promise<void>;
  /** 'merged' sends `text` (the edited right side): it becomes the local file and the server's. */
  resolve(choice: ConflictChoice, text?: string): Promise<void>;
  closeCompare(): void;
}

const OFF: SyncStatus = { target: null, connection: 'off', error: null, pending: 0, conflicts: [], lastPush: null };
const EMPTY_DRAFT: TargetDraft = { editing: null, name: '', host: '', remoteRoot: '', port: '', user: '', identityFile: '', environment: '', dataRoot: '', launcher: '', slurmPartition: '', slurmGpus: '', slurmTime: '' };
const FIELDS = Object.keys(EMPTY_DRAFT).filter((key): key is DraftField => key !== 'editing');

export const useSync = create<SyncState>((set, get) => ({
  status: OFF,
  targets: [],
  loaded: false,
  loadError: null,
  draft: null,
  fieldErrors: {},
  activating: false,
  activateError: null,
  preview: null,
  compare: null,

  setStatus(status) {
    set({ status });
  },

  async refreshStatus() {
    try {
      set({ status: await api().sync.status({}) });
    } catch {
      // Not fatal: the next sync.status event brings it.
    }
  },

  async load() {
    try {
      const result = await api().sync.targets({});
      set({ targets: result.targets, loaded: true, loadError: null });
    } catch (error) {
      set({ targets: [], loaded: true, loadError: errorCode(error) === 'no-workspace' ? null : errorMessage(error) });
    }
  },

  reset() {
    set({ targets: [], loaded: false, loadError: null, draft: null, fieldErrors: {}, preview: null, compare: null, activateError: null });
  },

  newDraft() {
    set({ draft: EMPTY_DRAFT, fieldErrors: {} });
  },

  editDraft(name) {
    const target = get().targets.find((candidate) => candidate.name === name);
    if (!target) return;
    set({
      draft: {
        editing: name,
        name: target.name,
        host: target.host,
        remoteRoot: target.remoteRoot,
        port: target.port !== undefined ? String(target.port) : '',
        user: target.user ?? '',
        identityFile: target.identityFile ?? '',
        environment: target.environment ?? '',
        dataRoot: target.dataRoot ?? '',
        launcher: target.launcher ?? '',
        slurmPartition: target.slurm?.partition ?? '',
        slurmGpus: target.slurm?.gpus !== undefined ? String(target.slurm.gpus) : '',
        slurmTime: target.slurm?.time ?? '',
      },
      fieldErrors: {},
    });
  },

  updateDraft(field, value) {
    const { draft, fieldErrors } = get();
    if (!draft) return;
    const { [field]: _cleared, ...rest } = fieldErrors;
    set({ draft: { ...draft, [field]: value }, fieldErrors: rest });
  },

  cancelDraft() {
    set({ draft: null, fieldErrors: {} });
  },

  async saveDraft() {
    const { draft } = get();
    if (!draft) return false;
    const port = draft.port.trim();
    if (port !== '' && !/^\d+$/.test(port)) {
      set({ fieldErrors: { port: 'The port must be a whole number from 1 to 65535, or empty for the default (22 or ssh config).' } });
      return false;
    }
    const gpus = draft.slurmGpus.trim();
    if (gpus !== '' && !/^\d+$/.test(gpus)) {
      set({ fieldErrors: { slurmGpus: 'GPUs per job must be a whole number, or empty for none.' } });
      return false;
    }
    try {
      const result = await api().sync.saveTarget({
        name: draft.name,
        host: draft.host,
        remoteRoot: draft.remoteRoot,
        ...(port !== '' && { port: Number(port) }),
        ...(draft.user.trim() !== '' && { user: draft.user }),
        ...(draft.identityFile.trim() !== '' && { identityFile: draft.identityFile }),
        // Always sent, so clearing a field clears it in project.json.
        environment: draft.environment,
        dataRoot: draft.dataRoot,
        launcher: draft.launcher,
        slurm: { partition: draft.slurmPartition, time: draft.slurmTime, ...(gpus !== '' && { gpus: Number(gpus) }) },
      });
      // Renaming: the old entry goes once the new one is safely written.
      const renamedFrom = draft.editing !== null && draft.editing !== draft.name.trim() ? draft.editing : null;
      const targets = renamedFrom !== null ? (await api().sync.removeTarget({ name: renamedFrom })).targets : result.targets;
      set({ targets, draft: null, fieldErrors: {}, loadError: null });
      return true;
    } catch (error) {
      const argument = (error as { argument?: string }).argument;
      const field = FIELDS.find((candidate) => candidate === argument);
      set({ fieldErrors: field ? { [field]: errorMessage(error) } : { form: errorMessage(error) } });
      return false;
    }
  },

  async removeTarget(name) {
    try {
      const result = await api().sync.removeTarget({ name });
      set({ targets: result.targets, draft: null, fieldErrors: {} });
    } catch (error) {
      set({ fieldErrors: { form: errorMessage(error) } });
    }
  },

  async activate(name) {
    set({ activating: true, activateError: null });
    try {
      const status = await api().sync.activate({ name });
      set({ status });
      if (name !== null && status.connection === 'connected') {
        notify('info', `Connected to ${name}. Saves are uploaded at once.`, { source: name });
      }
    } catch (error) {
      set({ activateError: errorMessage(error) });
    } finally {
      set({ activating: false });
    }
  },

  async openPreview(deleteRemote = false) {
    set({ preview: { state: 'planning', deleteRemote, plan: null, report: null, error: null } });
    try {
      const plan = await api().sync.plan({ deleteRemote });
      if (get().preview?.state === 'planning') set({ preview: { state: 'ready', deleteRemote, plan, report: null, error: null } });
    } catch (error) {
      if (get().preview) set({ preview: { state: 'failed', deleteRemote, plan: null, report: null, error: errorMessage(error) } });
    }
  },

  async runPreview() {
    const preview = get().preview;
    if (!preview?.plan) return;
    set({ preview: { ...preview, state: 'running' } });
    try {
      const report = await api().sync.run({ deleteRemote: preview.deleteRemote });
      set({ preview: { ...preview, state: 'done', report } });
    } catch (error) {
      set({ preview: { ...preview, state: 'failed', error: errorMessage(error) } });
    }
  },

  closePreview() {
    set({ preview: null });
  },

  async openCompare(path) {
    set({ compare: { path, local: null, remote: null, error: null, busy: true, draft: null } });
    const loaded = await readCompare(path);
    if (get().compare?.path === path) set({ compare: loaded }); // (not if closed meanwhile)
  },

  async resolve(choice, text) {
    const compare = get().compare;
    if (!compare) return;
    if (choice === 'merged' && text === undefined) return;
    set({ compare: { ...compare, busy: true, error: null } });
    try {
      const status = await api().sync.resolveConflict({ path: compare.path, choice, ...(choice === 'merged' && { text }) });
      set({ status, compare: null });
      useNotifications.getState().dismiss(`sync-conflict:${compare.path}`);
      const server = status.target ?? 'the server';
      const done = {
        mine: `Uploaded your ${compare.path} to ${server}.`,
        theirs: `Took the server's ${compare.path}.`,
        merged: `Saved your merge of ${compare.path} here and uploaded it to ${server}.`,
      }[choice];
      notify('info', done, { source: compare.path });
    } catch (error) {
      if (errorCode(error) === 'conflict') {
        // The server changed again: show the newer version and ask again. An edited merge stays
        // on the right (set together with the new versions, so the editor never drops it).
        const next = await readCompare(compare.path);
        if (get().compare?.path !== compare.path) return;
        set({ compare: { ...next, error: next.error ?? errorMessage(error), draft: choice === 'merged' ? (text ?? null) : null } });
      } else {
        set({ compare: { ...compare, busy: false, error: errorMessage(error), draft: choice === 'merged' ? (text ?? null) : compare.draft } });
      }
    }
  },

  closeCompare() {
    set({ compare: null });
  },
}));

/** Both versions of a conflicting file, as the compare dialog shows them. */
async function readCompare(path: string): Promise<ConflictCompare> {
  try {
    const [local, remote] = await Promise.all([api().workspace.read({ path }).catch(() => null), api().sync.readRemote({ path })]);
    return { path, local: local?.kind === 'text' ? local.text : null, remote, error: null, busy: false, draft: null };
  } catch (error) {
    return { path, local: null, remote: null, error: errorMessage(error), busy: false, draft: null };
  }
}

/** "gpu1 ● connected · sync: up to date" and friends, for the status bar and the Server view. */
export function describeSync(status: SyncStatus): { connection: string; sync: string } {
  const connection = { off: 'not connected', connecting: 'connecting…', connected: 'connected', offline: 'offline' }[status.connection];
  const conflicts = status.conflicts.length;
  let sync: string;
  if (conflicts > 0) sync = `${conflicts} conflict${conflicts === 1 ? '' : 's'}`;
  else if (status.pending > 0) sync = `${status.pending} pending`;
  else if (status.connection === 'connected') sync = 'up to date';
  else sync = status.connection === 'off' ? 'off' : 'waiting';
  return { connection, sync };
}
