import type { ServerCheck, ServerSetupReport } from '../../preload/api';
import { fail } from '../common';
import type { RemoteContextSource } from '../explorer';
import { execCommand } from '../ssh';
import { loadProjectSettings } from '../workspace';
import { checkServer } from './server-check';
import { setUpServer } from './server-setup';

/** The Server view's "Set up server" and "Check server", on the active target's connection. */
export class ServerService {
  private root: string | null = null;

  constructor(private readonly remote: RemoteContextSource) {}

  setRoot(root: string | null): void {
    this.root = root;
  }

  async setUp(): Promise<ServerSetupReport> {
    const { context, dataRoot } = await this.active();
    if (!dataRoot) fail('bad-argument', `${context.target} has no data disk folder. Edit the server and fill in "Data disk folder" (e.g. /data/you) first.`, 'dataRoot');
    return setUpServer((command) => execCommand(context.live.client, command), context.target, context.remoteRoot, dataRoot);
  }

  async check(): Promise<ServerCheck> {
    const { context, dataRoot } = await this.active();
    return checkServer((command) => execCommand(context.live.client, command), context.target, context.hostLabel, context.remoteRoot, dataRoot);
  }

  private async active() {
    const root = this.root ?? fail('no-workspace', 'No project folder is open. Open a folder first.');
    const context = await this.remote.remoteContext();
    const dataRoot = (await loadProjectSettings(root)).targets[context.target]?.dataRoot;
    return { context, dataRoot };
  }
}
