import { ReconnectingConnection, type SshSession } from '../ssh';
import { loadIgnoreRules, summarisePlan, type SyncReport, SyncWatcher, type SyncWatchEvent } from '../sync';
import { EXIT_CONFLICTS, EXIT_ERROR, EXIT_IN_SYNC, openTarget, printReport, type SyncCommandOptions } from './sync-command';
import { formatBytes } from '../common';

export type WatchCommandOptions = Omit<SyncCommandOptions, 'dryRun'>;

/** Reconnect quickly: someone is waiting for their save to land. */
const RECONNECT = { initialDelayMs: 250, maxDelayMs: 5_000 };
/** After the watch stopped, the process exits even if a library left a handle open. */
const EXIT_FALLBACK_MS = 3_000;

/**
 * `labdesk watch LOCAL_DIR TARGET`: a full sync, then pushes every change until SIGINT/SIGTERM.
 * Exit 0 when stopped in sync, 3 when conflicts remain (listed), 1 on an error that ended it.
 * With --json, one JSON line per event: push, state, rescanning, plan, error, watching, stopped.
 */
export async function runWatchCommand(localDir: string, targetSpec: string, options: WatchCommandOptions): Promise<number> {
  const opened = await openTarget(localDir, targetSpec, options);
  const { session } = opened;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const json = (value: Record<string, unknown>) => out(JSON.stringify(value));

  // The first connection is the one openTarget made (so a bad key or host key fails at once, exit 1).
  let first: SshSession | null = opened.ssh;
  session.sftp.end(); // the connection opens its own SFTP channel
  const connection = new ReconnectingConnection(async () => {
    const ready = first;
    first = null;
    return ready ?? opened.connect();
  }, RECONNECT);

  let stopSignal: (name: string) => void = () => undefined;
  const signalled = new Promise<string>((resolve) => {
    stopSignal = resolve;
  });
  let signals = 0;
  const onSignal = (name: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      process.stderr.write('labdesk: stopping now (work in flight was cancelled; the server keeps the old or the new version of each file).\n');
      process.exit(130);
    }
    stopSignal(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const watcher = new SyncWatcher({
    session: { localRoot: session.localRoot, remoteRoot: session.remoteRoot, hostLabel: session.hostLabel, state: session.state, ignore: session.ignore },
    connection,
    deleteRemote: options.delete,
    // The CLI has no one to ask: apply the rescan's plan (it never deletes), and say so.
    confirmBurst: () => Promise.resolve(true),
    reloadIgnore: () => loadIgnoreRules(session.localRoot, { extraPatterns: opened.ignoreExtra }),
    onEvent: (event) => (options.json ? json(eventJson(event)) : printEvent(event, out)),
  });

  let code = EXIT_IN_SYNC;
  try {
    await connection.ready();
    if (!options.json) out(`Labdesk watch: ${session.localRoot} → ${session.hostLabel}:${session.remoteRoot}${options.delete ? ' (deletions pushed)' : ''}`);
    // A signal during the initial sync stops it too (cancelled after the grace period).
    const started = await Promise.race([watcher.start({ initialSync: true }).then(() => true), signalled.then(() => false)]);
    if (started) await Promise.race([signalled, watcher.done]);
  } catch (error) {
    process.stderr.write(`labdesk: ${error instanceof Error ? error.message : String(error)}\n`);
    code = EXIT_ERROR;
  } finally {
    await watcher.stop().catch((error: unknown) => {
      process.stderr.write(`labdesk: could not save the sync state: ${error instanceof Error ? error.message : String(error)}\n`);
      code = EXIT_ERROR;
    });
    connection.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    setTimeout(() => process.exit(), EXIT_FALLBACK_MS).unref();
  }

  const conflicts = watcher.conflicts;
  if (code === EXIT_IN_SYNC && conflicts.length > 0) code = EXIT_CONFLICTS;
  if (options.json) {
    json({ event: 'stopped', inSync: watcher.inSync, queued: watcher.queued, conflicts: conflicts.map(({ path, reason }) => ({ path, reason })) });
  } else {
    const state = watcher.inSync ? 'in sync' : 'NOT everything was pushed';
    out(conflicts.length > 0 ? `stopped; ${state}; ${conflicts.length} conflict(s) remain:` : `stopped; ${state}.`);
    for (const conflict of conflicts) out(`  ${conflict.path}: ${conflict.message}`);
    if (!watcher.inSync) {
      const queued = watcher.queued > 0 ? `${watcher.queued} change(s) were still queued` : 'a full sync was stopped before it finished';
      out(`  ${queued}; the next \`labdesk sync\` or \`labdesk watch\` pushes them (nothing on the server was overwritten).`);
    }
  }
  return code;
}

function eventJson(event: SyncWatchEvent): Record<string, unknown> {
  switch (event.type) {
    case 'push':
      return { event: 'push', ...reportJson(event.report), reason: event.reason, paths: event.paths };
    case 'state':
      return { event: 'state', state: event.state, queued: event.queued, ...(event.error !== null && { error: event.error }) };
    case 'rescanning':
      return { event: 'rescanning', changed: event.changed, reason: event.reason };
    case 'plan': {
      const counts = summarisePlan(event.plan);
      return { event: 'plan', approved: event.approved, upload: counts.upload, mkdir: counts.mkdir, delete: counts.delete, keptRemote: counts['keep-remote'], conflicts: counts.conflict, skipped: counts.skip };
    }
    case 'watching':
      return { event: 'watching' };
    case 'error':
      return { event: 'error', message: event.message, paths: event.paths };
  }
}

function reportJson(report: SyncReport): Record<string, unknown> {
  return {
    uploaded: report.uploaded,
    deleted: report.deleted,
    conflicts: report.conflicts.map(({ path, reason }) => ({ path, reason })),
    bytes: report.bytes,
    seconds: Math.round(report.seconds * 1000) / 1000,
    errors: report.errors.map(({ path, reason, message }) => ({ path, reason, message })),
    keptRemote: report.keptRemote.length,
  };
}

function printEvent(event: SyncWatchEvent, out: (line: string) => void): void {
  const time = new Date().toLocaleTimeString();
  switch (event.type) {
    case 'push': {
      if (event.reason === 'initial' || event.reason === 'rescan') {
        printReport(event.report, out);
        return;
      }
      const { report } = event;
      const names = event.paths.length <= 5 ? `: ${event.paths.join(', ')}` : '';
      if (report.uploaded > 0 || report.deleted > 0) {
        out(`${time} pushed ${report.uploaded} file(s) (${formatBytes(report.bytes)})${report.deleted > 0 ? `, deleted ${report.deleted}` : ''} in ${report.seconds.toFixed(2)} s${names}`);
      }
      for (const conflict of report.conflicts) out(`${time} CONFLICT, not written: ${conflict.message}`);
      for (const error of report.errors) out(`${time} error: ${error.message}`);
      for (const skipped of report.skipped) out(`${time} skipped ${skipped.path}: ${skipped.message}`);
      for (const warning of report.warnings) out(`${time} warning: ${warning.path}: ${warning.message}`);
      return;
    }
    case 'state':
      if (event.state === 'offline') out(`${time} connection lost, retrying…${event.queued > 0 ? ` (${event.queued} change(s) queued)` : ''}`);
      else out(`${time} reconnected${event.queued > 0 ? `, pushing ${event.queued} queued change(s)` : ''}`);
      return;
    case 'rescanning':
      out(
        event.reason === 'burst'
          ? `${time} ${event.changed} files changed at once (a branch switch?) — rescanning`
          : event.reason === 'interrupted'
            ? `${time} the last full sync was cut off by the connection loss — rescanning`
            : `${time} the file watcher may have missed changes — rescanning`,
      );
      return;
    case 'plan': {
      const counts = summarisePlan(event.plan);
      out(`  plan: ${counts.upload} to upload, ${counts.mkdir} folders to create, ${counts['keep-remote']} deleted here but kept on the server, ${counts.conflict} conflicts (no deletions after a burst)`);
      return;
    }
    case 'watching':
      out(`${time} watching for changes (Ctrl-C to stop)`);
      return;
    case 'error':
      process.stderr.write(`${time} error: ${event.message}\n`);
      return;
  }
}
