import type { AppInfo, FileChange, WorkspaceInfo, WriteResult } from '../../preload/api';
import { SettingsStore } from '../settings';
import { RemoteExplorer } from '../explorer';
import { SyncService } from '../sync';
import { GitService } from '../git';
import { FolderCompareService } from '../diff';
import { JournalService } from '../journal';
import { RunService } from '../runs';
import { TerminalService } from '../terminal';
import { MonitorService } from '../monitor';
import { ServerService } from '../server';
import { indexFiles, type MoveToTrash, watchWorkspace, Workspace, type WorkspaceWatcher } from '../workspace';
import { EventBus, fail, TaskRegistry } from '../common';
import { PromptBroker } from './prompt-broker';

/** What differs between the desktop app and the web host; everything else is shared. */
export interface HostCapabilities {
  readonly host: AppInfo['host'];
  readonly version: string;
  readonly configDir: string;
  readonly moveToTrash: MoveToTrash;
  /** Native folder picker; absent in web mode, where the UI shows a path field instead. */
  readonly pickFolder?: () => Promise<string | null>;
  /**
   * known_hosts files for sync connections instead of ssh config's (tests; `LABDESK_KNOWN_HOSTS`
   * does the same for `labdesk web`). Labdesk's own trust store is consulted either way.
   */
  readonly knownHostsFiles?: readonly string[];
}

/**
 * The services behind one window: the open workspace, its watcher, settings and tasks.
 * The dispatch table calls into this; transports only forward calls and events.
 */
export class Session {
  readonly events = new EventBus();
  readonly tasks = new TaskRegistry(this.events);
  /** Questions for the person in this window (host keys, passwords). */
  readonly prompts = new PromptBroker(this.events);
  readonly settings: SettingsStore;
  /** Servers, the active target's connection, upload on save. */
  readonly sync: SyncService;
  /** The active server's files (browse, open, download, upload, …) over sync's connection. */
  readonly remote: RemoteExplorer;
  /** The open folder's git repository: status, graph, actions. */
  readonly git: GitService;
  /** Folder compare, here and against the active server. */
  readonly folders: FolderCompareService;
  readonly journal: JournalService;
  readonly runs: RunService;
  /** Shells on the active server (tmux-backed) and attachments to runs' sessions. */
  readonly terminals: TerminalService;
  /** GPU, CPU, memory and disk samples of the active server while the window is visible. */
  readonly monitor: MonitorService;
  /** "Set up server" (data disk links) and "Check server" for the active target. */
  readonly server: ServerService;
  private workspace: Workspace | null = null;
  private watcher: WorkspaceWatcher | null = null;

  /** Windows of one app share one settings store, so they do not overwrite each other's recents. */
  constructor(
    readonly capabilities: HostCapabilities,
    settings?: SettingsStore,
  ) {
    this.settings = settings ?? new SettingsStore(capabilities.configDir);
    this.sync = new SyncService({
      events: this.events,
      tasks: this.tasks,
      prompter: this.prompts,
      configDir: capabilities.configDir,
      ...(capabilities.knownHostsFiles !== undefined && { knownHostsFiles: capabilities.knownHostsFiles }),
    });
    this.remote = new RemoteExplorer(this.sync, this.tasks);
    this.git = new GitService(this.events, this.tasks);
    this.folders = new FolderCompareService(this.sync, this.tasks);
    this.journal = new JournalService(this.events);
    this.runs = new RunService(this.events, this.sync, this.journal, this.remote);
    this.terminals = new TerminalService(this.events, this.sync, () => this.sync.status());
    this.monitor = new MonitorService(this.events, this.sync);
    this.server = new ServerService(this.sync);
  }

  info(): AppInfo {
    return {
      version: this.capabilities.version,
      host: this.capabilities.host,
      platform: process.platform,
      canPickFolder: this.capabilities.pickFolder !== undefined,
    };
  }

  currentWorkspace(): WorkspaceInfo | null {
    return this.workspace ? { root: this.workspace.root, name: this.workspace.name } : null;
  }

  requireWorkspace(): Workspace {
    return this.workspace ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
  }

  async openWorkspace(folder: string): Promise<WorkspaceInfo> {
    const next = await Workspace.open(folder, this.capabilities.moveToTrash);
    await this.watcher?.close();
    this.watcher = null;
    this.workspace = next;
    // The active server belonged to the previous folder.
    await this.sync.setRoot(next.root);
    await this.git.setRoot(next.root);
    await this.journal.setRoot(next.root);
    this.runs.setRoot(next.root);
    this.terminals.setRoot(next.root);
    this.monitor.setRoot(next.root);
    this.server.setRoot(next.root);
    try {
      this.watcher = await watchWorkspace(next.root, (changes: FileChange[]) => {
        this.events.emit('workspace.changed', { changes });
        this.journal.filesChanged(changes);
      });
    } catch (error) {
      // Without a watcher everything still works; only outside edits are not noticed live.
      this.events.emit('notification', {
        id: `watch-${Date.now()}`,
        level: 'warning',
        message: `Changes made outside Labdesk will not show up live: ${error instanceof Error ? error.message : String(error)}`,
        source: next.root,
      });
    }
    await this.settings.rememberProject(next.root, next.name);
    const info = { root: next.root, name: next.name };
    this.events.emit('workspace.opened', info);
    return info;
  }

  /**
   * `workspace.write`, then upload on save: the file is pushed to the active server at once
   * (guarded by its base; a server edit becomes a conflict). The save does not wait for it.
   */
  async writeFile(relative: string, text: string, expectedMtimeMs?: number): Promise<WriteResult> {
    const result = await this.requireWorkspace().write(relative, text, expectedMtimeMs);
    this.sync.saved(result.path);
    return result;
  }

  async pickAndOpen(): Promise<WorkspaceInfo | null> {
    const pick = this.capabilities.pickFolder ?? fail('not-supported', 'This window cannot show a folder picker; type the folder path instead.');
    const folder = await pick();
    return folder === null ? null : this.openWorkspace(folder);
  }

  indexWorkspace() {
    const workspace = this.requireWorkspace();
    return this.tasks.run({ title: `Indexing ${workspace.name}`, unit: 'files' }, (task) =>
      indexFiles(workspace.root, task.signal, (count) => task.report(count)),
    );
  }

  async close(): Promise<void> {
    this.prompts.cancelAll();
    await this.sync.close();
    await this.git.close();
    this.runs.close();
    this.terminals.closeAll();
    this.monitor.close();
    await this.watcher?.close();
    this.watcher = null;
  }
}
