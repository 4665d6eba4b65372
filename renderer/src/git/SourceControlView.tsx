import { useEffect, useState } from 'react';
import type { ChangedFile } from '../../../preload/api';
import { api } from '../api/client';
import { promptText } from '../state/dialog-store';
import { useEditor } from '../state/editor-store';
import { CHANGE_LETTER } from './change-letter';
import { repoStatus, useGit } from './git-store';
import { EMPTY_TREE } from './git-tabs';

/** Past this, git's own tools and most hosts cut the subject line. */
const SUBJECT_HINT = 72;

type Group = 'staged' | 'unstaged' | 'untracked' | 'conflicted';

/**
 * The Source control view (side bar): the branch, the commit box, the changed files in four
 * groups (each file opens its diff; stage, unstage and discard per file or per group), the
 * branches and the stashes. A folder that is not a repository offers to initialize one.
 */
export function SourceControlView() {
  const { status, busy, refresh, init } = useGit();
  const openGraph = useEditor((state) => state.openGraph);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  if (status === null) return <p className="hint pad">Reading the repository…</p>;
  if (!status.repository) {
    return (
      <div className="view source-control" aria-label="Source control">
        <h2 className="view-title">Source control</h2>
        <p className="hint pad">{status.reason}</p>
        {/is not a git repository/.test(status.reason) && (
          <button type="button" className="button primary pad" disabled={busy !== null} onClick={() => void init()}>
            Initialize repository
          </button>
        )}
      </div>
    );
  }
  const repo = status;
  return (
    <div className="view source-control" aria-label="Source control">
      <div className="view-header">
        <h2 className="view-title">Source control</h2>
        <button type="button" className="button small" onClick={() => openGraph()}>
          Show graph
        </button>
        <button type="button" className="icon-button" aria-label="Refresh source control" title="Refresh" onClick={() => void refresh()}>
          ⟳
        </button>
      </div>
      <p className="branch-line" aria-label="Current branch">
        {repo.branch ? `On ${repo.branch}` : repo.head ? `HEAD detached at ${repo.head.slice(0, 8)}` : 'HEAD'}
        {repo.head === null && ' (no commits yet)'}
        {repo.upstream && ` · ${repo.upstream.name} ↑${repo.upstream.ahead} ↓${repo.upstream.behind}`}
        {repo.operation && <strong> · {repo.operation} in progress</strong>}
      </p>
      <RemoteButtons />
      <CommitBox />
      <FileGroup group="conflicted" title="Conflicts" files={repo.conflicted} />
      <FileGroup group="staged" title="Staged changes" files={repo.staged} />
      <FileGroup group="unstaged" title="Changes" files={repo.unstaged} />
      <FileGroup group="untracked" title="Untracked files" files={repo.untracked} />
      {repo.outside > 0 && <p className="hint pad">{repo.outside} more changed files are outside this folder.</p>}
      <Branches />
      <Stashes />
    </div>
  );
}

/** Fetch, pull and push with the user's own git credentials; progress and cancel are in the status bar. */
function RemoteButtons() {
  const { busy, fetch, pull, push, status } = useGit();
  const repo = repoStatus(status);
  if (!repo?.head) return null;
  return (
    <div className="remote-buttons" role="group" aria-label="Remote">
      <button type="button" className="button small" disabled={busy !== null} onClick={() => void fetch()}>
        {busy === 'Fetching' ? 'Fetching…' : 'Fetch'}
      </button>
      <button type="button" className="button small" disabled={busy !== null || repo.branch === null} onClick={() => void pull('ff-only')}>
        {busy === 'Pulling' ? 'Pulling…' : `Pull${repo.upstream?.behind ? ` ${repo.upstream.behind}` : ''}`}
      </button>
      <button type="button" className="button small" disabled={busy !== null || repo.branch === null} onClick={() => void push(false)}>
        {busy === 'Pushing' ? 'Pushing…' : `Push${repo.upstream?.ahead ? ` ${repo.upstream.ahead}` : ''}`}
      </button>
    </div>
  );
}

function CommitBox() {
  const { status, busy, commit } = useGit();
  const [message, setMessage] = useState('');
  const [amend, setAmend] = useState(false);
  const repo = repoStatus(status);
  const subjectLength = message.split('\n')[0]?.length ?? 0;
  const canCommit = busy === null && message.trim() !== '' && (amend || (repo?.staged.length ?? 0) > 0);
  const submit = async () => {
    if (!canCommit) return;
    if (await commit(message, amend)) {
      setMessage('');
      setAmend(false);
    }
  };
  const toggleAmend = async (checked: boolean) => {
    setAmend(checked);
    if (checked && message.trim() === '') {
      setMessage(await api().git.lastMessage({}));
    }
  };
  return (
    <div className="commit-box">
      <textarea
        aria-label="Commit message"
        placeholder="Commit message (Ctrl/Cmd+Enter commits)"
        value={message}
        rows={3}
        onChange={(event) => setMessage(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void submit();
          }
        }}
      />
      <div className="commit-row">
        <span className={`subject-hint${subjectLength > SUBJECT_HINT ? ' too-long' : ''}`} aria-live="polite">
          {subjectLength > SUBJECT_HINT ? `Subject is ${subjectLength} characters; keep it under ${SUBJECT_HINT}` : `${subjectLength}/${SUBJECT_HINT}`}
        </span>
        <label className="check">
          <input type="checkbox" checked={amend} disabled={!repo?.head} onChange={(event) => void toggleAmend(event.target.checked)} /> Amend
        </label>
        <button type="button" className="button primary" disabled={!canCommit} onClick={() => void submit()}>
          {busy === 'Committing' || busy === 'Amending' ? `${busy}…` : amend ? 'Amend commit' : 'Commit'}
        </button>
      </div>
      {repo && repo.staged.length === 0 && !amend && <p className="hint">Stage changes to commit them.</p>}
    </div>
  );
}

function FileGroup({ group, title, files }: { group: Group; title: string; files: readonly ChangedFile[] }) {
  const { stage, unstage, discard, busy, status } = useGit();
  const { openGitDiff, openFile } = useEditor();
  if (files.length === 0) return null;
  const head = repoStatus(status)?.head ?? null;
  const open = (file: ChangedFile) => {
    if (group === 'conflicted') return void openFile(file.path);
    if (group === 'staged') {
      return openGitDiff({
        path: file.path,
        ...(file.oldPath !== undefined && { oldPath: file.oldPath }),
        // Before the first commit there is no HEAD: the staged file is compared with nothing.
        left: { kind: 'commit', oid: head ?? EMPTY_TREE },
        right: { kind: 'index' },
        leftLabel: 'HEAD',
        lines: 'unstage',
      });
    }
    openGitDiff({ path: file.path, left: { kind: 'index' }, right: { kind: 'worktree' }, lines: group === 'unstaged' ? 'stage' : null });
  };
  const paths = files.map((file) => file.path);
  return (
    <section className="file-group" aria-label={title}>
      <div className="group-header">
        <h3>
          {title} <span className="count">{files.length}</span>
        </h3>
        {group === 'staged' ? (
          <button type="button" className="button small" disabled={busy !== null} onClick={() => void unstage(paths)}>
            Unstage all
          </button>
        ) : (
          <>
            {group !== 'conflicted' && (
              <button type="button" className="button small" disabled={busy !== null} aria-label={`Discard all ${title.toLowerCase()}`} onClick={() => void discard(files)}>
                Discard all
              </button>
            )}
            <button type="button" className="button small" disabled={busy !== null} aria-label={`Stage all ${title.toLowerCase()}`} onClick={() => void stage(paths)}>
              Stage all
            </button>
          </>
        )}
      </div>
      <ul className="changed-files">
        {files.map((file) => (
          <li key={file.path} className="changed-file-row">
            <button type="button" className="changed-file" aria-label={`${file.path}, ${file.kind}`} title={file.oldPath ? `${file.oldPath} → ${file.path}` : file.path} onClick={() => open(file)}>
              <span className={`change-letter change-${file.kind}`} aria-hidden="true">
                {CHANGE_LETTER[file.kind]}
              </span>
              <span className="changed-path">{file.path}</span>
            </button>
            {group === 'staged' ? (
              <button type="button" className="icon-button" aria-label={`Unstage ${file.path}`} title="Unstage" disabled={busy !== null} onClick={() => void unstage([file.path])}>
                −
              </button>
            ) : (
              <>
                {group !== 'conflicted' && (
                  <button type="button" className="icon-button" aria-label={`Discard ${file.path}`} title="Discard changes" disabled={busy !== null} onClick={() => void discard([file])}>
                    ↶
                  </button>
                )}
                <button type="button" className="icon-button" aria-label={`Stage ${file.path}`} title={group === 'conflicted' ? 'Mark resolved (stage)' : 'Stage'} disabled={busy !== null} onClick={() => void stage([file.path])}>
                  +
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Branches() {
  const { branches, busy, checkout, createBranch, renameBranch, deleteBranch } = useGit();
  const [open, setOpen] = useState(false);
  const local = branches.filter((branch) => branch.kind === 'local');
  const remote = branches.filter((branch) => branch.kind === 'remote');
  const newBranch = async () => {
    const name = await promptText('New branch', 'Branch name (created at HEAD and checked out)', '', 'Create');
    if (name) await createBranch(name.trim());
  };
  return (
    <section className="file-group" aria-label="Branches">
      <div className="group-header">
        <h3>
          <button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)}>
            Branches <span className="count">{local.length}</span>
          </button>
        </h3>
        <button type="button" className="button small" disabled={busy !== null} onClick={() => void newBranch()}>
          New branch
        </button>
      </div>
      {open && (
        <ul className="branch-list">
          {local.map((branch) => (
            <li key={branch.name} className="changed-file-row">
              <span className={`branch-name${branch.current ? ' current' : ''}`} title={branch.subject}>
                {branch.current ? '● ' : ''}
                {branch.name}
                {branch.upstream && <span className="hint"> → {branch.upstream}</span>}
              </span>
              {!branch.current && (
                <button type="button" className="button small" disabled={busy !== null} aria-label={`Check out ${branch.name}`} onClick={() => void checkout(branch.name)}>
                  Check out
                </button>
              )}
              <button
                type="button"
                className="icon-button"
                aria-label={`Rename ${branch.name}`}
                title="Rename"
                disabled={busy !== null}
                onClick={() => void promptText('Rename branch', `New name for ${branch.name}`, branch.name, 'Rename').then((to) => (to && to !== branch.name ? renameBranch(branch.name, to.trim()) : undefined))}
              >
                ✎
              </button>
              {!branch.current && (
                <button type="button" className="icon-button" aria-label={`Delete ${branch.name}`} title="Delete" disabled={busy !== null} onClick={() => void deleteBranch(branch.name)}>
                  ✕
                </button>
              )}
            </li>
          ))}
          {remote.map((branch) => (
            <li key={`remote:${branch.name}`} className="changed-file-row">
              <span className="branch-name remote" title={branch.subject}>
                {branch.name}
              </span>
              <button
                type="button"
                className="button small"
                disabled={busy !== null || local.some((candidate) => candidate.upstream === branch.name)}
                aria-label={`Check out ${branch.name} as a local branch`}
                onClick={() => void createBranch(branch.name.slice(branch.name.indexOf('/') + 1), branch.name)}
              >
                Check out
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Stashes() {
  const { stashes, busy, stash, stashPop, status } = useGit();
  const openPatch = useEditor((state) => state.openPatch);
  const repo = repoStatus(status);
  const dirty = repo ? repo.staged.length + repo.unstaged.length + repo.untracked.length > 0 : false;
  return (
    <section className="file-group" aria-label="Stashes">
      <div className="group-header">
        <h3>
          Stashes <span className="count">{stashes.length}</span>
        </h3>
        <button type="button" className="button small" disabled={busy !== null || !dirty} onClick={() => void promptText('Stash changes', 'Message (optional)', '', 'Stash').then((message) => (message === null ? undefined : stash(message.trim() || undefined)))}>
          Stash changes
        </button>
      </div>
      <ul className="branch-list">
        {stashes.map((entry) => (
          <li key={entry.oid} className="changed-file-row">
            <span className="branch-name" title={entry.oid}>
              stash@{'{'}
              {entry.index}
              {'}'}: {entry.message}
            </span>
            <button type="button" className="button small" aria-label={`Show stash@{${entry.index}}`} title="Open its changes (untracked files too) as a patch" onClick={() => openPatch(entry.base, entry.oid, `stash@{${entry.index}}: ${entry.message}`, entry.untracked)}>
              Show
            </button>
            <button type="button" className="button small" disabled={busy !== null} aria-label={`Pop stash@{${entry.index}}`} onClick={() => void stashPop(entry.index)}>
              Pop
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
