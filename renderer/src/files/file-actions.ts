import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { ask, promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { notify } from '../state/notifications-store';
import { useWorkspace } from '../state/workspace-store';
import { baseName, parentOf } from './tree-rows';

/** The folder new entries go into: the selected folder, or the folder of the selected file. */
function targetFolder(): string {
  const { selected, listings } = useWorkspace.getState();
  if (selected === null) return '';
  const parent = parentOf(selected);
  const entry = listings[parent]?.find((candidate) => candidate.path === selected);
  return entry?.kind === 'dir' ? selected : parent;
}

function join(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`;
}

export async function newEntry(kind: 'file' | 'folder'): Promise<void> {
  const folder = targetFolder();
  const where = folder === '' ? 'the project root' : folder;
  const name = await promptText(kind === 'file' ? 'New File' : 'New Folder', `Name (in ${where}); use / for subfolders`, '', 'Create');
  if (!name) return;
  const path = join(folder, name.trim());
  try {
    if (kind === 'file') await api().workspace.createFile({ path });
    else await api().workspace.createFolder({ path });
    const workspace = useWorkspace.getState();
    await workspace.loadDir(folder);
    if (folder !== '' && !workspace.expanded[folder]) workspace.toggle(folder);
    workspace.select(path);
    if (kind === 'file') await useEditor.getState().openFile(path);
  } catch (error) {
    notify('error', errorMessage(error), { source: path });
  }
}

export async function renameSelected(): Promise<void> {
  const from = useWorkspace.getState().selected;
  if (from === null) return;
  const name = await promptText(`Rename ${baseName(from)}`, 'New name', baseName(from), 'Rename');
  if (!name || name === baseName(from)) return;
  const to = join(parentOf(from), name.trim());
  try {
    await api().workspace.rename({ from, to });
    useEditor.getState().pathRenamed(from, to);
    const workspace = useWorkspace.getState();
    await workspace.loadDir(parentOf(from));
    if (parentOf(to) !== parentOf(from)) await workspace.loadDir(parentOf(to));
    workspace.select(to);
  } catch (error) {
    notify('error', errorMessage(error), { source: from });
  }
}

export async function deleteSelected(): Promise<void> {
  const path = useWorkspace.getState().selected;
  if (path === null) return;
  const choice = await ask(`Move ${baseName(path)} to the trash?`, `${path} will be moved to the trash; you can restore it from there.`, [
    { label: 'Move to Trash', value: 'delete', primary: true },
    { label: 'Cancel', value: 'cancel' },
  ]);
  if (choice !== 'delete') return;
  try {
    await api().workspace.delete({ path });
    useEditor.getState().pathDeleted(path);
    const workspace = useWorkspace.getState();
    workspace.select(null);
    await workspace.loadDir(parentOf(path));
    notify('info', `Moved ${path} to the trash.`, { source: path });
  } catch (error) {
    notify('error', errorMessage(error), { source: path });
  }
}
