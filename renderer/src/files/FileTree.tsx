import { useMemo } from 'react';
import type { DirEntry } from '../../../preload/api';
import { useEditor } from '../state/editor-store';
import { useWorkspace } from '../state/workspace-store';
import { changeMarks, useGit } from '../git/git-store';
import { deleteSelected, renameSelected } from './file-actions';
import { parentOf, visibleRows } from './tree-rows';
import { TREE_ROW_HEIGHT, useVirtualTree } from './use-virtual-tree';

const rowId = (path: string) => `tree-row-${encodeURIComponent(path)}`;

/**
 * The project tree: folders load when expanded, and only the rows on screen are rendered, so a
 * folder with 50k files scrolls smoothly. Keyboard: arrows move/expand/collapse, Enter opens,
 * F2 renames, Delete moves to the trash.
 */
export function FileTree() {
  const { listings, expanded, selected, toggle, select } = useWorkspace();
  const openFile = useEditor((state) => state.openFile);
  const rows = useMemo(() => visibleRows({ listings, expanded }), [listings, expanded]);
  const gitStatus = useGit((state) => state.status);
  const { marks, changedFolders } = useMemo(() => {
    const found = changeMarks(gitStatus);
    const folders = new Set<string>();
    for (const file of found.keys()) for (let at = file.lastIndexOf('/'); at > 0; at = file.lastIndexOf('/', at - 1)) folders.add(file.slice(0, at));
    return { marks: found, changedFolders: folders };
  }, [gitStatus]);
  const activate = (entry: DirEntry) => {
    select(entry.path);
    if (entry.kind === 'dir') toggle(entry.path);
    else void openFile(entry.path);
  };
  const { virtualizer, treeProps } = useVirtualTree({
    rows,
    isExpandable: (row) => row.entry.kind === 'dir',
    // '' is the project root: a top row has no folder to go to.
    parentFolderOf: (row) => parentOf(row.entry.path) || null,
    selected,
    expanded,
    select,
    toggle,
    activate: (row) => activate(row.entry),
    rename: () => void renameSelected(),
    remove: () => void deleteSelected(),
    rowId,
  });

  if (!listings['']) return <p className="hint pad">Loading…</p>;
  if (rows.length === 0) return <p className="hint pad">This folder is empty. Create a file with the New File button.</p>;

  return (
    <div className="tree" role="tree" aria-label="Project files" {...treeProps}>
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          const { entry } = row;
          const isDir = entry.kind === 'dir';
          const mark = marks.get(entry.path);
          const named = entry.kind === 'symlink' ? `${entry.name}, symbolic link to ${entry.linkTarget ?? 'unknown'}` : entry.name;
          const label = mark ? `${named}, ${mark}` : named;
          return (
            <div
              key={entry.path}
              id={rowId(entry.path)}
              role="treeitem"
              aria-label={label}
              aria-level={row.depth + 1}
              aria-setsize={row.siblings}
              aria-posinset={row.position}
              aria-selected={entry.path === selected}
              aria-expanded={isDir ? Boolean(expanded[entry.path]) : undefined}
              className={`tree-row${entry.path === selected ? ' selected' : ''}${mark ? ` git-${mark}` : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: TREE_ROW_HEIGHT, paddingLeft: 8 + row.depth * 14 }}
              onClick={() => activate(entry)}
              title={entry.kind === 'symlink' ? `${entry.path} → ${entry.linkTarget ?? '?'}` : entry.path}
            >
              <span className={`twisty${isDir ? (expanded[entry.path] ? ' open' : '') : ' none'}`} aria-hidden="true" />
              <span className={`file-icon kind-${entry.kind}`} aria-hidden="true" />
              <span className="tree-name">{entry.name}</span>
              {entry.kind === 'symlink' && <span className="link-target" aria-hidden="true">→ {entry.linkTarget}</span>}
              {mark && (
                <span className={`git-mark change-${mark}`} aria-hidden="true" title={mark}>
                  {mark === 'untracked' ? 'U' : mark === 'added' ? 'A' : mark === 'deleted' ? 'D' : mark === 'conflicted' ? '!' : 'M'}
                </span>
              )}
              {!mark && isDir && changedFolders.has(entry.path) && <span className="git-mark folder-dot" aria-hidden="true" title="has changes">•</span>}
            </div>
          );
        })}
      </div>
    </div>
  );
}
