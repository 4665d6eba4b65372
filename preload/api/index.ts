/**
 * The one contract between the renderer and main, one file per domain (each adds its data types
 * and its methods' interface; this file composes them and lists the names).
 *
 * These files are "common" code: no Node, no DOM, no Electron. The preload, the renderer, the web
 * host and main's dispatch table all import it. Every method takes one plain-JSON argument object
 * and resolves to plain JSON; failures reject with an `ApiError` carrying a machine-readable code.
 *
 * Transports only move envelopes (`CallResult`). `createApi(bridge)` turns any bridge (Electron
 * IPC through the preload, or the web host's WebSocket) into the typed `LabdeskApi` below, so the
 * renderer cannot tell which transport it is on.
 */

import type { AppApi, Notification, PromptRequest, PromptsApi, SettingsApi, TaskProgress, TasksApi } from './app';
import type { DiffApi } from './diff';
import type { GitApi, GraphSummary } from './git';
import type { JournalApi } from './journal';
import type { RemoteApi } from './remote';
import type { MonitorAlert, MonitorApi, MonitorSample } from './monitor';
import type { RunsApi } from './runs';
import type { ServerApi } from './server';
import type { TerminalApi, TerminalState } from './terminal';
import type { SyncApi, SyncStatus } from './sync';
import type { FileChange, WorkspaceApi, WorkspaceInfo } from './workspace';
import { ApiError, type CallResult } from './errors';

export * from './app';
export * from './diff';
export * from './errors';
export * from './git';
export * from './journal';
export * from './monitor';
export * from './remote';
export * from './runs';
export * from './server';
export * from './sync';
export * from './terminal';
export * from './workspace';

// ---------------------------------------------------------------------------------------------
// Methods

export interface LabdeskApi {
  app: AppApi;
  settings: SettingsApi;
  workspace: WorkspaceApi;
  tasks: TasksApi;
  sync: SyncApi;
  remote: RemoteApi;
  git: GitApi;
  diff: DiffApi;
  journal: JournalApi;
  runs: RunsApi;
  terminal: TerminalApi;
  monitor: MonitorApi;
  server: ServerApi;
  prompts: PromptsApi;
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
  /** The repository changed: after an action here (`action`), or git ran elsewhere (`outside`). */
  'git.changed': { readonly reason: 'action' | 'outside' };
  /** More of the open graph is laid out. */
  'git.graph': GraphSummary;
  /** Journal entries were written or removed (here, by hand or by another tool). */
  'journal.changed': { readonly paths: readonly string[] };
  /** Runs were launched or their status changed. */
  'runs.changed': { readonly ids: readonly string[] };
  /** Output of a terminal, in order (acknowledge it with terminal.ack once drawn). */
  'terminal.data': { readonly id: string; readonly data: string };
  /** A terminal lost its link and is reattaching, is back, or ended (with why, when not by itself). */
  'terminal.state': { readonly id: string; readonly state: TerminalState; readonly message: string | null };
  /** A monitor sample of the active server, and the alerts that started with it. */
  'monitor.sample': { readonly sample: MonitorSample; readonly alerts: readonly MonitorAlert[] };
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
  'git.status',
  'git.init',
  'git.openGraph',
  'git.graphRows',
  'git.searchGraph',
  'git.commitDetails',
  'git.compareCommits',
  'git.readVersion',
  'git.stage',
  'git.unstage',
  'git.stageLines',
  'git.discard',
  'git.undoDiscard',
  'git.commit',
  'git.lastMessage',
  'git.branches',
  'git.createBranch',
  'git.checkout',
  'git.renameBranch',
  'git.deleteBranch',
  'git.stashes',
  'git.stash',
  'git.stashPop',
  'git.fetch',
  'git.pull',
  'git.push',
  'git.fileHistory',
  'git.blame',
  'git.patch',
  'diff.compareFolders',
  'diff.copyAcross',
  'journal.list',
  'journal.search',
  'journal.create',
  'journal.setField',
  'runs.list',
  'runs.launch',
  'runs.stop',
  'runs.log',
  'runs.searchLog',
  'runs.metrics',
  'runs.patch',
  'runs.checkoutCode',
  'runs.runAgain',
  'runs.fetchOutputs',
  'terminal.open',
  'terminal.input',
  'terminal.resize',
  'terminal.ack',
  'terminal.close',
  'terminal.sessions',
  'monitor.watch',
  'monitor.watchTarget',
  'monitor.history',
  'server.setUp',
  'server.check',
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
  'git.changed',
  'git.graph',
  'journal.changed',
  'runs.changed',
  'terminal.data',
  'terminal.state',
  'monitor.sample',
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
