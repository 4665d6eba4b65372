import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ApiError, formatBytes } from '../common';
import { defaultConfigDir } from '../settings';
import { SecretCache, type SshSession, targetConnection } from '../ssh';
import { type OpenedSyncSession, parseTargetSpec, parseTargetUrl, type SyncReport, type SyncSessionSpec, type SyncTarget } from '../sync';
import type { ProjectSettings } from '../workspace';
import { terminalPrompter } from './terminal-prompter';

export interface SyncCommandOptions {
  readonly identity?: string;
  readonly knownHosts?: string;
  readonly acceptNew: boolean;
  readonly dryRun: boolean;
  readonly delete: boolean;
  readonly json: boolean;
}

/** Exit codes (documented in --help and the README). */
export const EXIT_IN_SYNC = 0;
export const EXIT_ERROR = 1;
export const EXIT_CONFLICTS = 3;

export interface OpenedTarget extends OpenedSyncSession {
  readonly ssh: SshSession;
  readonly target: SyncTarget;
  readonly ignoreExtra: readonly string[];
  /** Opens another connection to the same host with the same settings (reconnects; `ssh` is the first). */
  readonly connect: () => Promise<SshSession>;
}

/** How long an unused early tar shell gets to leave its rc files before the connection closes. */
const UNUSED_SHELL_EXIT_MS = 3_000;

/** A target resolved and being connected to: what every command that talks to a server starts with. */
export interface ConnectingTarget {
  readonly localRoot: string;
  readonly target: SyncTarget;
  readonly hostLabel: string;
  readonly project: ProjectSettings;
  /** The first connection (rejects with a clear ssh error). */
  readonly connecting: Promise<SshSession>;
  /** Another connection to the same host with the same settings (reconnects). */
  readonly connect: () => Promise<SshSession>;
}

/**
 * Resolves the project folder, the target (a name in project.json or an ssh:// address) and ssh
 * config, and starts connecting. An ssh:// target starts connecting before the project settings
 * (zod) are even loaded: they load during the handshake, which is mostly waiting for the server.
 */
export async function connectToTarget(localDir: string, targetSpec: string, options: Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'>): Promise<ConnectingTarget> {
  const localRoot = await realpath(path.resolve(localDir)).catch(() => {
    throw new ApiError({ code: 'not-found', message: `${localDir} does not exist.` });
  });
  if (!(await stat(localRoot)).isDirectory()) throw new ApiError({ code: 'not-a-directory', message: `${localDir} is not a folder.` });
  const projectLoading = import('../workspace/project-settings').then(({ loadProjectSettings }) => loadProjectSettings(localRoot));
  projectLoading.catch(() => undefined); // awaited below, after the connection started
  const target = parseTargetUrl(targetSpec) ?? parseTargetSpec(targetSpec, await projectLoading);
  const { hostLabel, connect } = await targetConnection(target, {
    prompter: terminalPrompter({ acceptNewHostKeys: options.acceptNew }),
    configDir: defaultConfigDir(),
    // Shared by reconnects, so a passphrase typed once is not asked again.
    secrets: new SecretCache(),
    knownHostsFiles: options.knownHosts !== undefined ? [options.knownHosts] : undefined,
    identityFile: options.identity,
  });
  const connecting = connect();
  connecting.catch(() => undefined); // awaited by the caller
  try {
    return { localRoot, target, hostLabel, project: await projectLoading, connecting, connect };
  } catch (error) {
    (await connecting.catch(() => null))?.close();
    throw error;
  }
}

/** Connects (connectToTarget) and loads the sync base: shared by sync, watch and run. */
export async function openTarget(
  localDir: string,
  targetSpec: string,
  options: Pick<SyncCommandOptions, 'identity' | 'knownHosts' | 'acceptNew'> & Pick<SyncSessionSpec, 'scanWhileConnecting' | 'prestartTarShell'>,
): Promise<OpenedTarget> {
  const engineLoading = import('../sync/open-sync-session'); // loads during the handshake
  const { localRoot, target, hostLabel, project, connecting, connect } = await connectToTarget(localDir, targetSpec, options);
  try {
    const { openSyncSession } = await engineLoading;
    const spec = {
      localRoot,
      remoteRoot: target.remoteRoot,
      hostLabel,
      target: target.name,
      ignoreExtra: project.ignore,
      ...(options.scanWhileConnecting !== undefined && { scanWhileConnecting: options.scanWhileConnecting }),
      ...(options.prestartTarShell !== undefined && { prestartTarShell: options.prestartTarShell }),
    };
    const opened = await openSyncSession(spec, connecting.then((ssh) => ssh.client));
    return { ...opened, ssh: await connecting, target, ignoreExtra: project.ignore, connect };
  } catch (error) {
    (await connecting.catch(() => null))?.close();
    throw error;
  }
}

/** `labdesk sync LOCAL_DIR TARGET`: one push, then exit 0 (in sync), 3 (conflicts remain) or 1 (error). */
export async function runSyncCommand(localDir: string, targetSpec: string, options: SyncCommandOptions): Promise<number> {
  const opened = await openTarget(localDir, targetSpec, { ...options, scanWhileConnecting: true, prestartTarShell: !options.dryRun });
  const { session } = opened;
  const [{ prepareSync, executeSync }, { summarisePlan }] = await Promise.all([import('../sync/sync-engine'), import('../sync/plan/plan')]);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (!options.json) out(`Labdesk sync: ${session.localRoot} → ${session.hostLabel}:${session.remoteRoot}`);
    const prepared = await prepareSync(session, { deleteRemote: options.delete, ...(opened.firstLocalScan && { localScan: opened.firstLocalScan }) });
    const counts = summarisePlan(prepared.plan);
    if (prepared.plan.halted) throw new ApiError({ code: 'internal', message: prepared.plan.halted });
    if (options.dryRun) {
      if (options.json) out(JSON.stringify({ dryRun: true, plan: prepared.plan.actions.map((action) => ({ type: action.type, path: action.path })) }));
      else printPlan(prepared.plan.actions, counts, out);
      return counts.conflict > 0 ? EXIT_CONFLICTS : EXIT_IN_SYNC;
    }
    const progress = process.stderr.isTTY && !options.json;
    const report = await executeSync(session, prepared, {
      ...(opened.tarShell && { tarShell: opened.tarShell }),
      ...(progress && {
        onProgress: (p) => process.stderr.write(`\r  ${p.filesDone}/${p.filesTotal} files, ${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}   `),
      }),
    });
    if (progress) process.stderr.write('\n');
    if (options.json) {
      out(JSON.stringify({ uploaded: report.uploaded, deleted: report.deleted, conflicts: report.conflicts.map(({ path: p, reason }) => ({ path: p, reason })), bytes: report.bytes, seconds: round(report.seconds) }));
    } else {
      printReport(report, out);
    }
    if (report.errors.length > 0) return EXIT_ERROR;
    return report.conflicts.length > 0 ? EXIT_CONFLICTS : EXIT_IN_SYNC;
  } finally {
    // An unused early shell was answered N: let it leave its rc files by itself before the
    // connection closes under it.
    if (opened.tarShell && !opened.tarShell.adopted) {
      opened.tarShell.release();
      await Promise.race([opened.tarShell.closed, new Promise((resolve) => setTimeout(resolve, UNUSED_SHELL_EXIT_MS).unref())]);
    }
    opened.ssh.close();
  }
}

function printPlan(actions: readonly { type: string; path: string }[], counts: Record<string, number>, out: (line: string) => void): void {
  out(`  plan: ${counts.upload} to upload, ${counts.mkdir} folders to create, ${counts.delete} to delete, ${counts.conflict} conflicts, ${counts.skip} skipped (dry run: nothing written)`);
  for (const action of actions) if (action.type !== 'adopt') out(`    ${action.type.padEnd(11)} ${action.path}`);
}

export function printReport(report: SyncReport, out: (line: string) => void): void {
  out(`  uploaded ${report.uploaded} files (${formatBytes(report.bytes)}), created ${report.created}, deleted ${report.deleted} in ${round(report.seconds)} s`);
  const section = (title: string, items: readonly { path: string; message: string }[]) => {
    if (items.length === 0) return;
    out(`  ${title} (${items.length}):`);
    for (const item of items) out(`    ${item.path}: ${item.message}`);
  };
  section('CONFLICTS, not written', report.conflicts);
  section('errors', report.errors);
  section('skipped', report.skipped);
  section('warnings', report.warnings.map((warning) => ({ path: warning.path, message: warning.message })));
  if (report.keptRemote.length > 0) out(`  ${report.keptRemote.length} deleted here but kept on the server (pass --delete to remove them).`);
}


function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

