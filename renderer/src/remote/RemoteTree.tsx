import fuzzysort from 'fuzzysort';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RemoteEntry, SyncConnection, SyncTargetInfo } from '../../../preload/api';
import { baseName, parentOf } from '../files/tree-rows';
import { TREE_ROW_HEIGHT, useVirtualTree } from '../files/use-virtual-tree';
import { Picker, type PickerItem } from '../picker/Picker';
import { useWorkspace } from '../state/workspace-store';
import {
  deleteSelected,
  downloadSelected,
  goToFolder,
  goToRemoteRoot,
  newFolder,
  openEntry,
  openSelected,
  refreshServerFiles,
  renameSelected,
  uploadHere,
  uploadPaths,
} from './remote-actions';
import { describeEntry, entryLabel, isExpandable, isOpenable, visibleRemoteRows } from './remote-rows';
import { useRemoteTree } from './remote-tree-store';

const rowId = (path: string) => `remote-row-${encodeURIComponent(path)}`;

function IconButton({ label, title, icon, disabled, onClick }: { label: string; title?: string; icon: string; disabled?: boolean; onClick: () => void }) {
  return (
    <button type="button" className="icon-button" aria-label={label} title={title ?? label} disabled={disabled} onClick={onClick}>
      <svg viewBox="0 0 16 16" aria-hidden="true">
        <path d={icon} fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}

/**
 * "Files on <target>" in the Server view: the active target's files, browsed lazily (a folder is
 * listed when it is opened), with size, modification time and link targets, and the actions of
 * a file manager. Collapsible, so the targets and conflicts above keep their room.
 */
export function RemoteExplorer({ target, connection }: { target: SyncTargetInfo; connection: SyncConnection }) {
  const { attach, root, listings, loading, truncated, error, busy, collapsed, setCollapsed, setError, loadDir, uploadTo, selected, entry } = useRemoteTree();
  const connected = connection === 'connected';
  const treeTarget = useRemoteTree((state) => state.target);
  const wasConnected = useRef(connected);

  useEffect(() => attach(target), [attach, target]);

  // The top folder loads once the connection is up; a reconnect refreshes what is shown.
  useEffect(() => {
    if (!connected || root === null || treeTarget?.name !== target.name) return;
    const state = useRemoteTree.getState();
    if (!wasConnected.current && state.listings[root]) void state.refresh();
    else if (!state.listings[root] && !state.loading[root]) void loadDir(root);
  }, [connected, root, treeTarget, target.name, loadDir]);
  useEffect(() => {
    wasConnected.current = connected;
  }, [connected]);

  const selectedEntry = selected !== null ? entry(selected) : undefined;
  const canAct = connected && selectedEntry !== undefined;
  const name = target.name;

  return (
    <section className="remote-explorer" aria-label={`Files on ${name}`}>
      <header className="side-header remote-header">
        <h3 className="remote-title">
          <button type="button" className="section-toggle" aria-expanded={!collapsed} aria-controls={collapsed ? undefined : 'remote-explorer-body'} onClick={() => setCollapsed(!collapsed)}>
            <span className={`twisty${collapsed ? '' : ' open'}`} aria-hidden="true" />
            Files on {name}
          </button>
        </h3>
        {!collapsed && (
          <div className="side-actions">
            <IconButton label="Refresh server files" icon="M13 8a5 5 0 1 1-1.5-3.5 M13 2.5V5h-2.5" disabled={!connected} onClick={() => void refreshServerFiles()} />
            <IconButton label="New folder on server" icon="M2 4h4l1.5 1.5H14V13H2z M8 7v4 M6 9h4" disabled={!connected} onClick={() => void newFolder()} />
            <IconButton label="Upload here" title="Upload project files into the selected server folder" icon="M8 13V4 M4.5 7.5 8 4l3.5 3.5 M3 14h10" disabled={!connected} onClick={uploadHere} />
            <IconButton label="Go to folder on server" title="Go to another folder on the server…" icon="M2 4h4l1.5 1.5H14V13H2z M6 9.5h5 M9 7.5l2 2-2 2" disabled={!connected} onClick={() => void goToFolder()} />
          </div>
        )}
      </header>
      {!collapsed && (
        <div id="remote-explorer-body" className="remote-body">
          {root !== null && (
            <div className="remote-root">
              <span className="remote-root-path" title={`${name}:${root}`}>
                {/* The container is right-to-left so a long path loses its start, not its end. */}
                <span dir="ltr">{root}</span>
              </span>
              {treeTarget && root !== treeTarget.remoteRoot && (
                <button type="button" className="remote-back" onClick={() => void goToRemoteRoot()}>
                  Back to {baseName(treeTarget.remoteRoot) || '/'}
                </button>
              )}
            </div>
          )}
          {!connected && (
            <p className="hint remote-hint" role="status">
              {connection === 'connecting' ? `Connecting to ${name}…` : `${name} is offline; the files come back when it reconnects.`}
            </p>
          )}
          {error && (
            <div className="remote-error" role="alert">
              <span>{error}</span>
              <button type="button" className="icon-button" aria-label="Dismiss error" title="Dismiss" onClick={() => setError(null)}>
                ×
              </button>
            </div>
          )}
          {busy && (
            <p className="hint remote-hint" role="status">
              {busy}
            </p>
          )}
          {root !== null && Object.entries(truncated).some(([dir, cut]) => cut && listings[dir]) && (
            <p className="hint remote-hint">Some folders have more entries than the list limit; only the first ones are shown.</p>
          )}
          {root !== null && !listings[root] && loading[root] && <p className="hint pad">Loading {root}…</p>}
          {root !== null && listings[root]?.length === 0 && (
            <p className="hint pad">This folder is empty. Upload project files or create a folder with the buttons above.</p>
          )}
          {root !== null && (listings[root]?.length ?? 0) > 0 && <RemoteTree label={`Files on ${name}`} />}
          <div className="remote-toolbar" role="toolbar" aria-label={`Selected file on ${name}`}>
            <button type="button" className="button" disabled={!canAct || !(isOpenable(selectedEntry) || isExpandable(selectedEntry) || selectedEntry.kind === 'symlink')} onClick={openSelected}>
              Open
            </button>
            <button type="button" className="button" disabled={!canAct} onClick={() => void downloadSelected()}>
              Download
            </button>
            <button type="button" className="button" disabled={!canAct} onClick={() => void renameSelected()}>
              Rename
            </button>
            <button type="button" className="button" disabled={!canAct} onClick={() => void deleteSelected()}>
              Delete
            </button>
          </div>
        </div>
      )}
      {uploadTo !== null && <UploadPicker toDir={uploadTo} target={name} />}
    </section>
  );
}

/** The virtualised tree itself; keyboard like the Files tree (arrows, Enter, F2, Delete). */
function RemoteTree({ label }: { label: string }) {
  const { root, listings, expanded, selected, toggle, select } = useRemoteTree();
  const rows = useMemo(() => (root === null ? [] : visibleRemoteRows({ root, listings, expanded })), [root, listings, expanded]);
  const { virtualizer, treeProps } = useVirtualTree({
    rows,
    isExpandable: (row) => isExpandable(row.entry),
    // Rows at the top of the browsed folder have nowhere further left to go.
    parentFolderOf: (row) => (row.parent === root ? null : row.parent),
    selected,
    expanded,
    select,
    toggle,
    activate: (row) => openEntry(row.entry),
    rename: () => void renameSelected(),
    remove: () => void deleteSelected(),
    rowId,
  });

  return (
    <div className="tree remote-tree" role="tree" aria-label={label} {...treeProps}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return <RemoteRowView key={`${item.index}:${row.entry.path}`} entry={row.entry} row={row} start={item.start} selected={row.entry.path === selected} open={Boolean(expanded[row.entry.path])} />;
        })}
      </div>
    </div>
  );
}

function RemoteRowView({ entry, row, start, selected, open }: { entry: RemoteEntry; row: { depth: number; position: number; siblings: number }; start: number; selected: boolean; open: boolean }) {
  const expandable = isExpandable(entry);
  const meta = describeEntry(entry);
  const link = entry.kind === 'symlink';
  const kind = link ? 'symlink' : entry.kind;
  return (
    <div
      id={rowId(entry.path)}
      role="treeitem"
      aria-label={entryLabel(entry)}
      aria-description={meta || undefined}
      aria-level={row.depth + 1}
      aria-setsize={row.siblings}
      aria-posinset={row.position}
      aria-selected={selected}
      aria-expanded={expandable ? open : undefined}
      className={`tree-row remote-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: TREE_ROW_HEIGHT, paddingLeft: 8 + row.depth * 14 }}
      onClick={() => openEntry(entry)}
      title={`${link ? `${entry.path} → ${entry.linkTarget ?? '?'}` : entry.path}${meta ? `\n${meta}` : ''}`}
    >
      <span className={`twisty${expandable ? (open ? ' open' : '') : ' none'}`} aria-hidden="true" />
      <span className={`file-icon kind-${kind}${link && entry.linkKind === 'dir' ? ' to-dir' : ''}`} aria-hidden="true" />
      <span className="tree-name">{entry.name}</span>
      {link && (
        <span className={`link-target${entry.linkKind === null ? ' broken' : ''}`} aria-hidden="true">
          → {entry.linkTarget}
        </span>
      )}
      {meta && (
        <span className="remote-meta" aria-hidden="true">
          {meta}
        </span>
      )}
    </div>
  );
}

/**
 * Picks what to upload: the entry selected in the Files view first, then every project file and
 * folder (fuzzy, as quick open). Enter uploads it into the server folder.
 */
function UploadPicker({ toDir, target }: { toDir: string; target: string }) {
  const { index, indexStale, refreshIndex, selected } = useWorkspace();
  const setUploadTo = useRemoteTree((state) => state.setUploadTo);
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (indexStale) void refreshIndex();
  }, [indexStale, refreshIndex]);

  const candidates = useMemo(() => {
    const folders = new Set<string>();
    for (const file of index ?? []) {
      for (let dir = parentOf(file); dir !== ''; dir = parentOf(dir)) folders.add(`${dir}/`);
    }
    const all = [...[...folders].sort(), ...(index ?? [])];
    if (selected !== null) {
      const own = all.find((candidate) => candidate === selected || candidate === `${selected}/`) ?? selected;
      return [own, ...all.filter((candidate) => candidate !== own)];
    }
    return all;
  }, [index, selected]);

  const items: PickerItem[] = useMemo(() => {
    const toItem = (path: string, label: PickerItem['label'] = path): PickerItem => ({
      id: path,
      name: path,
      label,
      ...(path === selected || path === `${selected}/` ? { detail: 'selected in Files' } : {}),
    });
    if (query.trim() === '') return candidates.slice(0, 80).map((path) => toItem(path));
    return fuzzysort
      .go(query.trim(), candidates, { limit: 80, threshold: 0.2 })
      .map((result) => toItem(result.target, result.highlight((match, i) => <mark key={i}>{match}</mark>)));
  }, [query, candidates, selected]);

  const close = () => setUploadTo(null);
  return (
    <Picker
      title={`Upload to ${toDir} on ${target}`}
      placeholder="Type a project file or folder to upload"
      query={query}
      onQuery={setQuery}
      items={items}
      emptyText={index === null ? 'Indexing…' : 'No matching file or folder.'}
      {...(index === null && { status: 'Indexing files…' })}
      onClose={close}
      onPick={(item) => {
        close();
        void uploadPaths([item.id.replace(/\/$/, '')], toDir);
      }}
    />
  );
}
