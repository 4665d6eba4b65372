import type { RemoteEntry, RemoteTransferReport } from '../../../preload/api';
import { api } from '../api/client';
import { errorCode, errorMessage } from '../api/errors';
import { formatBytes } from '../app/format';
import { baseName, parentOf } from '../files/tree-rows';
import { ask, promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useWorkspace } from '../state/workspace-store';
import { useSync } from '../sync/sync-store';
import { isExpandable, joinRemote, mirroredPath, normalizeRemote, remoteParent } from './remote-rows';
import { useRemoteTree, type RemoteTreeTarget } from './remote-tree-store';

/**
 * What the remote explorer's buttons, keys and palette commands do. Every failure is shown next
 * to the tree (role=alert) naming the file and the server, and kept in the panel's history.
 */

const tree = () => useRemoteTree.getState();

/** The tree's server when it is the active, connected target; otherwise says why not. */
function connectedTarget(): RemoteTreeTarget | null {
  const { target } = tree();
  if (!target) return null;
  const status = useSync.getState().status;
  if (status.target !== target.name || status.connection !== 'connected') {
    tree().setError(`${target.name} (${target.host}) is not connected. Wait for it to reconnect, or activate it again above.`);
    return null;
  }
  return target;
}

/** True when the active target is connected (the palette's remote commands are offered then). */
export function serverReady(): boolean {
  const { status, targets } = useSync.getState();
  return status.connection === 'connected' && targets.some((target) => target.name === status.target);
}

/** Points the tree at the active target (the Server view does this when shown; commands may run first). */
export function attachActiveTarget(): void {
  const { status, targets } = useSync.getState();
  tree().attach(targets.find((target) => target.name === status.target) ?? null);
}

/** The selected row's entry, if any. */
export function selectedEntry(): RemoteEntry | undefined {
  const { selected, entry } = tree();
  return selected === null ? undefined : entry(selected);
}

/** The loaded folder listing that shows `path` (so a reload refreshes the row that is on screen). */
function listedIn(path: string): string {
  for (const [dir, entries] of Object.entries(tree().listings)) {
    if (entries?.some((candidate) => candidate.path === path)) return dir;
  }
  return remoteParent(path);
}

/** New folders and uploads go into the selected folder, the folder of the selected file, or the top. */
export function targetFolder(): string | null {
  const { root } = tree();
  const entry = selectedEntry();
  if (!entry) return root;
  return isExpandable(entry) ? entry.path : listedIn(entry.path);
}

/**
 * Shows a failure next to the tree. Transfers, which run long enough for the person to look
 * elsewhere, also raise a notification; quick actions were just clicked there, so the alert is enough.
 */
function fail(what: string, target: RemoteTreeTarget, error: unknown, options: { toast?: boolean } = {}): void {
  const message = `${what} on ${target.name}: ${errorMessage(error)}`;
  tree().setError(message);
  if (options.toast) notify('error', message, { source: target.name });
}

/** Reloads a folder, and opens it in the tree unless it is the top. */
async function reveal(dir: string): Promise<void> {
  await tree().loadDir(dir);
  if (dir !== tree().root) tree().expand(dir);
}

export async function refreshServerFiles(): Promise<void> {
  if (!connectedTarget()) return;
  tree().setError(null);
  await tree().refresh();
}

export function openEntry(entry: RemoteEntry): void {
  const target = tree().target;
  if (!target) return;
  tree().select(entry.path);
  if (isExpandable(entry)) {
    tree().toggle(entry.path);
    return;
  }
  if (entry.kind === 'symlink' && entry.linkKind === null) {
    tree().setError(`${entry.path} on ${target.name} (${target.host}) is a broken link to ${entry.linkTarget ?? 'nothing'}; there is nothing to open.`);
    return;
  }
  if (entry.kind === 'other') {
    tree().setError(`${entry.path} on ${target.name} is not a regular file (a socket, device or pipe); it cannot be opened.`);
    return;
  }
  if (!connectedTarget()) return;
  void (async () => {
    await useEditor.getState().openRemote(entry.path, { name: target.name, host: target.host });
    // The tab says why it could not open; so does the tree, where the person clicked.
    const tab = useEditor.getState().tabs.find((candidate) => candidate.kind === 'remote-file' && candidate.target === target.name && candidate.path === entry.path);
    if (tab?.kind === 'remote-file' && tab.status === 'error' && tab.error) tree().setError(tab.error);
  })();
}

export function openSelected(): void {
  const entry = selectedEntry();
  if (entry) openEntry(entry);
}

function describeReport(verb: string, report: RemoteTransferReport): string {
  const parts = [`${report.files} file${report.files === 1 ? '' : 's'}`];
  if (report.folders > 0) parts.push(`${report.folders} folder${report.folders === 1 ? '' : 's'}`);
  return `${verb} ${parts.join(' and ')} (${formatBytes(report.bytes)})`;
}

function reportSkipped(report: RemoteTransferReport, source: string): void {
  if (report.skipped.length === 0) return;
  const shown = report.skipped.slice(0, 5).map((item) => `${item.path}: ${item.message}`);
  const more = report.skipped.length > shown.length ? ` …and ${report.skipped.length - shown.length} more` : '';
  notify('warning', `Skipped ${report.skipped.length} (nothing there was overwritten): ${shown.join('; ')}${more}`, { source });
}

/** Turns what a person typed as a project folder into a workspace-relative path ('' = the root). */
function projectFolder(typed: string): string {
  return typed
    .trim()
    .replace(/\\/g, '/')
    .split('/')
    .filter((part) => part !== '' && part !== '.')
    .join('/');
}

/** True when the tree reached `path` through a link (`<root>/data/…` with `data → /mnt/data`). */
function throughLink(path: string, root: string): boolean {
  for (let dir = remoteParent(path); dir !== root && dir !== '/'; dir = remoteParent(dir)) {
    if (tree().entry(dir)?.kind === 'symlink') return true;
  }
  return false;
}

/**
 * Downloads the selected entry. Inside the target's remote root it lands where the project
 * mirrors it (`<root>/logs/a.log` → `logs/a.log`); elsewhere, or behind a link such as
 * `data → /mnt/data` (which the project mirrors as a link, never as a folder), the person picks
 * a project folder.
 */
export async function downloadSelected(): Promise<void> {
  const entry = selectedEntry();
  const target = connectedTarget();
  if (!entry || !target) return;
  const mirrored = throughLink(entry.path, target.remoteRoot) ? null : mirroredPath(target.remoteRoot, entry.path);
  let toDir: string;
  if (mirrored !== null && mirrored !== '') {
    toDir = parentOf(mirrored);
  } else {
    const typed = await promptText(
      `Download ${entry.name} from ${target.name}`,
      `${entry.path} is not mirrored by the project (outside ${target.remoteRoot}, or behind a link). Project folder to download it into (. is the project root)`,
      'downloads',
      'Download',
    );
    if (typed === null) return;
    toDir = projectFolder(typed);
  }
  const into = toDir === '' ? 'the project root' : `${toDir}/`;
  tree().setBusy(`Downloading ${entry.name} from ${target.name} into ${into}…`);
  try {
    const report = await api().remote.download({ paths: [entry.path], toDir });
    tree().setError(null);
    notify('info', `${describeReport('Downloaded', report)} from ${target.name} into ${into}.`, { source: entry.path });
    reportSkipped(report, entry.path);
    await useWorkspace.getState().reloadAll();
  } catch (error) {
    if (errorCode(error) === 'cancelled') notify('info', `Download of ${entry.path} from ${target.name} cancelled.`, { source: entry.path });
    else fail(`Could not download ${entry.path}`, target, error, { toast: true });
  } finally {
    tree().setBusy(null);
  }
}

/** Opens the upload quick-pick for the selected server folder. */
export function uploadHere(): void {
  const folder = targetFolder();
  if (folder === null || !connectedTarget()) return;
  tree().setUploadTo(folder);
}

/** Uploads project files or folders (workspace-relative) into a server folder. */
export async function uploadPaths(paths: readonly string[], toDir: string): Promise<void> {
  const target = connectedTarget();
  if (!target || paths.length === 0) return;
  const what = paths.length === 1 ? (paths[0] ?? '') : `${paths.length} entries`;
  tree().setBusy(`Uploading ${what} to ${target.name}:${toDir}…`);
  try {
    const report = await api().remote.upload({ paths: [...paths], toDir });
    tree().setError(null);
    notify('info', `${describeReport('Uploaded', report)} to ${toDir} on ${target.name}.`, { source: target.name });
    reportSkipped(report, target.name);
    await reveal(toDir);
    const first = paths[0];
    if (paths.length === 1 && first !== undefined) tree().select(joinRemote(toDir, baseName(first)));
  } catch (error) {
    if (errorCode(error) === 'cancelled') notify('info', `Upload to ${target.name} cancelled.`, { source: target.name });
    else fail(`Could not upload ${what} to ${toDir}`, target, error, { toast: true });
  } finally {
    tree().setBusy(null);
  }
}

export async function newFolder(): Promise<void> {
  const dir = targetFolder();
  const target = connectedTarget();
  if (dir === null || !target) return;
  const name = await promptText(`New folder on ${target.name}`, `Name (in ${dir})`, '', 'Create');
  if (!name) return;
  const path = joinRemote(dir, name.trim());
  try {
    await api().remote.mkdir({ path });
    tree().setError(null);
    await reveal(dir);
    tree().select(path);
  } catch (error) {
    fail(`Could not create the folder ${path}`, target, error);
  }
}

export async function renameSelected(): Promise<void> {
  const entry = selectedEntry();
  const target = connectedTarget();
  if (!entry || !target) return;
  const dir = listedIn(entry.path);
  const name = await promptText(`Rename ${entry.name} on ${target.name}`, 'New name (or an absolute path on the server)', entry.name, 'Rename');
  if (!name || name.trim() === entry.name) return;
  const to = joinRemote(remoteParent(entry.path), name.trim());
  if (to === entry.path) return;
  try {
    await api().remote.rename({ from: entry.path, to });
    tree().setError(null);
    useEditor.getState().remotePathRenamed(target.name, entry.path, to);
    await tree().loadDir(dir);
    if (remoteParent(to) !== remoteParent(entry.path) && tree().listings[remoteParent(to)]) await tree().loadDir(remoteParent(to));
    tree().select(to);
  } catch (error) {
    fail(`Could not rename ${entry.path} to ${to}`, target, error);
  }
}

export async function deleteSelected(): Promise<void> {
  const entry = selectedEntry();
  const target = connectedTarget();
  if (!entry || !target) return;
  const where = `${target.name} (${target.host})`;
  const message =
    entry.kind === 'symlink'
      ? `The link ${entry.path} on ${where} will be removed; what it points to (${entry.linkTarget ?? '?'}) is kept.`
      : entry.kind === 'dir'
        ? `${entry.path} on ${where} will be deleted with everything inside it. The server has no trash: this cannot be undone.`
        : `${entry.path} on ${where} will be deleted. The server has no trash: this cannot be undone.`;
  const choice = await ask(`Delete ${entry.name} on ${target.name}?`, message, [
    { label: 'Delete', value: 'delete' },
    { label: 'Cancel', value: 'cancel', primary: true },
  ]);
  if (choice !== 'delete') return;
  const dir = listedIn(entry.path);
  try {
    const result = await api().remote.delete({ path: entry.path });
    tree().setError(null);
    useEditor.getState().remotePathDeleted(target.name, entry.path);
    tree().select(null);
    await tree().loadDir(dir);
    const count = result.removed > 1 ? ` (${result.removed} entries)` : '';
    notify('info', `Deleted ${entry.path} on ${target.name}${count}.`, { source: target.name });
  } catch (error) {
    fail(`Could not delete ${entry.path}`, target, error);
  }
}

/** Shows another server folder at the top of the tree (e.g. a data disk, or /). */
export async function goToFolder(): Promise<void> {
  const { target, root } = tree();
  if (!target || !connectedTarget()) return;
  const typed = await promptText(`Go to a folder on ${target.name}`, 'Absolute path on the server', root ?? target.remoteRoot, 'Go');
  if (!typed) return;
  const trimmed = typed.trim();
  const dir = trimmed.startsWith('/') ? normalizeRemote(trimmed) : joinRemote(root ?? target.remoteRoot, trimmed);
  await tree().goTo(dir);
}

export async function goToRemoteRoot(): Promise<void> {
  const { target } = tree();
  if (target) await tree().goTo(target.remoteRoot);
}

