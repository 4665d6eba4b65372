import { api } from '../api/client';
import { useEditor } from '../state/editor-store';
import { EMPTY_TREE } from './git-tabs';
import { fullDate, relativeTime } from './relative-time';
import { useLoaded } from './use-loaded';

/** Every commit that touched one file, newest first, through renames; each opens that commit's change to it. */
export function FileHistoryView({ path }: { path: string }) {
  const { value: entries, error } = useLoaded(() => api().git.fileHistory({ path }), [path]);
  const openGitDiff = useEditor((state) => state.openGitDiff);

  if (error) return <p className="editor-message" role="alert">{error}</p>;
  if (!entries) return <p className="editor-message">Reading the history of {path}…</p>;
  if (entries.length === 0) return <p className="editor-message">{path} has no commits yet.</p>;
  return (
    <div className="file-history">
      <ul className="changed-files" aria-label={`Commits that changed ${path}`}>
        {entries.map((entry, index) => {
          // The version before this commit may have had another name (a rename further down).
          const before = entries[index + 1];
          return (
            <li key={entry.oid}>
              <button
                type="button"
                className="changed-file"
                aria-label={`${entry.subject}, ${entry.oid.slice(0, 8)}`}
                onClick={() =>
                  openGitDiff({
                    path: entry.path,
                    ...(before && before.path !== entry.path && { oldPath: before.path }),
                    left: { kind: 'commit', oid: entry.parents[0] ?? EMPTY_TREE },
                    right: { kind: 'commit', oid: entry.oid },
                  })
                }
              >
                <code className="graph-hash">{entry.oid.slice(0, 8)}</code>
                <span className="changed-path">{entry.subject}</span>
                {entry.path !== path && <span className="hint">{entry.path}</span>}
                <span className="graph-author">{entry.author}</span>
                <span className="graph-date" title={fullDate(entry.time)}>
                  {relativeTime(entry.time)}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
