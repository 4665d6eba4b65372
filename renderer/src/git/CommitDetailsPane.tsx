import { useEffect, useState } from 'react';
import type { CommitFile } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { notify } from '../state/notifications-store';
import { useEditor } from '../state/editor-store';
import { CHANGE_LETTER } from './change-letter';
import { EMPTY_TREE } from './git-tabs';
import { useGraph } from './graph-store';
import { fullDate } from './relative-time';
import { CommitRuns } from '../runs/CommitRuns';
import { useLoaded } from './use-loaded';

/** "+12 −3", or "binary" for a file git cannot count lines of. */
export function LineCounts({ file, hidden = false }: { file: Pick<CommitFile, 'additions' | 'deletions'>; hidden?: boolean }) {
  return (
    <span className="line-counts" aria-hidden={hidden || undefined}>
      {file.additions === null ? 'binary' : (
        <>
          <span className="added">+{file.additions}</span> <span className="removed">−{file.deletions}</span>
        </>
      )}
    </span>
  );
}

/** A list of changed files; each opens its diff. */
export function ChangedFileList({ files, label, onOpen }: { files: readonly CommitFile[]; label: string; onOpen: (file: CommitFile) => void }) {
  if (files.length === 0) return <p className="hint">No files changed.</p>;
  return (
    <ul className="changed-files" aria-label={label}>
      {files.map((file) => (
        <li key={`${file.oldPath ?? ''}>${file.path}`}>
          <button type="button" className="changed-file" aria-label={`${file.path}, ${file.kind}`} title={file.oldPath ? `${file.oldPath} → ${file.path}` : file.path} onClick={() => onOpen(file)}>
            <span className={`change-letter change-${file.kind}`} aria-hidden="true">
              {CHANGE_LETTER[file.kind]}
            </span>
            <span className="changed-path">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</span>
            <LineCounts file={file} hidden />
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * The selected commit: message, people, dates, parents (each one selects that commit), its files
 * against the first parent (each opens its diff), and compare with a marked commit.
 */
export function CommitDetailsPane({ oid }: { oid: string }) {
  const { value: details, error } = useLoaded(() => api().git.commitDetails({ oid }), [oid]);
  const [compared, setCompared] = useState<{ base: string; files: readonly CommitFile[] } | null>(null);
  const { compareBase, markForCompare, selectOid } = useGraph();
  const openGitDiff = useEditor((state) => state.openGitDiff);
  const openPatch = useEditor((state) => state.openPatch);

  // Another commit: its own files, not the comparison made from the last one.
  useEffect(() => setCompared(null), [oid]);

  if (error) return <section className="commit-details" aria-label="Commit details"><p role="alert">{error}</p></section>;
  if (!details) return <section className="commit-details" aria-label="Commit details"><p className="hint">Reading {oid.slice(0, 10)}…</p></section>;

  const parent = details.parents[0];
  const openAgainstParent = (file: CommitFile) =>
    openGitDiff({
      path: file.path,
      ...(file.oldPath !== undefined && { oldPath: file.oldPath }),
      left: { kind: 'commit', oid: parent ?? EMPTY_TREE },
      right: { kind: 'commit', oid: details.oid },
      ...(parent === undefined && { leftLabel: 'nothing' }),
    });
  const compare = async () => {
    if (!compareBase) return;
    try {
      setCompared({ base: compareBase, files: await api().git.compareCommits({ from: compareBase, to: details.oid }) });
    } catch (failure) {
      notify('error', errorMessage(failure));
    }
  };
  const [subject, ...body] = details.message.split('\n');

  return (
    <section className="commit-details" aria-label="Commit details">
      <h2 className="commit-subject">{subject}</h2>
      {body.join('\n').trim() !== '' && <pre className="commit-body">{body.join('\n').trim()}</pre>}
      <dl className="commit-facts">
        <dt>Commit</dt>
        <dd>
          <code>{details.oid}</code>{' '}
          <button type="button" className="button small" onClick={() => void navigator.clipboard?.writeText(details.oid).then(() => notify('info', 'Copied the commit hash.'), () => notify('warning', 'The clipboard is not available here.'))}>
            Copy hash
          </button>
        </dd>
        <dt>Author</dt>
        <dd>
          {details.author.name} &lt;{details.author.email}&gt;, {fullDate(details.author.time)}
        </dd>
        {(details.committer.name !== details.author.name || details.committer.time !== details.author.time) && (
          <>
            <dt>Committer</dt>
            <dd>
              {details.committer.name} &lt;{details.committer.email}&gt;, {fullDate(details.committer.time)}
            </dd>
          </>
        )}
        <dt>{details.parents.length === 1 ? 'Parent' : 'Parents'}</dt>
        <dd>
          {details.parents.length === 0 && 'none (the first commit)'}
          {details.parents.map((parentOid) => (
            <button key={parentOid} type="button" className="link-button" aria-label={`Parent ${parentOid.slice(0, 8)}`} onClick={() => void selectOid(parentOid)}>
              {parentOid.slice(0, 8)}
            </button>
          ))}
        </dd>
      </dl>
      <CommitRuns oid={details.oid} />
      <div className="commit-compare">
        <button type="button" className="button small" onClick={() => openPatch(parent ?? null, details.oid, `Patch of ${details.oid.slice(0, 8)}`)}>
          Open as patch
        </button>
        <button type="button" className="button small" onClick={() => markForCompare(details.oid)}>
          Mark for compare
        </button>
        {compareBase && compareBase !== details.oid && (
          <button type="button" className="button small" onClick={() => void compare()}>
            Compare with {compareBase.slice(0, 8)}
          </button>
        )}
      </div>
      {compared ? (
        <>
          <h3>
            {compared.base.slice(0, 8)} → {details.oid.slice(0, 8)}: {compared.files.length} files{' '}
            <button type="button" className="link-button" onClick={() => setCompared(null)}>
              back to this commit
            </button>{' '}
            <button type="button" className="link-button" onClick={() => openPatch(compared.base, details.oid, `${compared.base.slice(0, 8)}..${details.oid.slice(0, 8)}`)}>
              open as patch
            </button>
          </h3>
          <ChangedFileList
            files={compared.files}
            label="Files changed between the two commits"
            onOpen={(file) => openGitDiff({ path: file.path, ...(file.oldPath !== undefined && { oldPath: file.oldPath }), left: { kind: 'commit', oid: compared.base }, right: { kind: 'commit', oid: details.oid } })}
          />
        </>
      ) : (
        <>
          <h3>{details.files.length} changed files</h3>
          <ChangedFileList files={details.files} label="Changed files" onOpen={openAgainstParent} />
        </>
      )}
    </section>
  );
}
