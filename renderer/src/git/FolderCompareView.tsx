import { useState } from 'react';
import type { CompareRow, CopyAcrossReport, CopyDirection } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { ask } from '../state/dialog-store';
import { planCopy } from './copy-items';
import { formatBytes } from '../app/format';
import { useEditor } from '../state/editor-store';
import { useSync } from '../sync/sync-store';
import type { FolderCompareTab } from './git-tabs';
import { useLoaded } from './use-loaded';

const STATE_WORDS: Record<CompareRow['state'], string> = { same: 'same', new: 'only here', missing: 'only there', modified: 'modified', 'type-changed': 'type changed' };

const join = (folder: string, path: string) => (folder === '' ? path : `${folder}/${path}`);

/**
 * Two folders side by side, meld's way: every path with its state (same, only here, only there,
 * modified, type changed), same rows hidden by default, and any file pair opening in the diff
 * editor. Links are shown as links (a server's data/ is never entered). Any file or folder copies
 * to the other side (→ and ←), with sync's rules (main/diff/copy-across.ts); a copy that would
 * replace files asks first, and what was left alone is listed with why.
 */
export function FolderCompareView({ tab }: { tab: FolderCompareTab }) {
  const [round, setRound] = useState(0);
  const { value: result, error } = useLoaded(() => api().diff.compareFolders({ path: tab.path, with: tab.with }), [tab.path, tab.with, round]);
  const [hideSame, setHideSame] = useState(true);
  const openGitDiff = useEditor((state) => state.openGitDiff);
  const target = useSync((state) => state.status.target);
  const [copying, setCopying] = useState(false);
  const [copied, setCopied] = useState<{ report: CopyAcrossReport; to: string } | { error: string } | null>(null);

  if (error) return <p className="editor-message" role="alert">{error}</p>;
  if (!result) return <p className="editor-message">Comparing {tab.path || 'the project'}… (progress and Cancel are in the status bar)</p>;

  const counts = result.rows.reduce<Record<string, number>>((all, row) => ({ ...all, [row.state]: (all[row.state] ?? 0) + 1 }), {});
  const rows = hideSame ? result.rows.filter((row) => row.state !== 'same') : result.rows;
  const open = (row: CompareRow) => {
    if (row.left?.kind !== 'file' && row.right?.kind !== 'file') return;
    const here = join(tab.path, row.path);
    if (tab.with.kind === 'server') {
      if (target) openGitDiff({ path: here, left: { kind: 'server', target }, right: { kind: 'worktree' }, rightLabel: 'here' });
      return;
    }
    openGitDiff({ path: join(tab.with.path, row.path), oldPath: here, left: { kind: 'worktree' }, right: { kind: 'worktree' }, leftLabel: tab.path || 'project', rightLabel: tab.with.path || 'project' });
  };
  const leftName = tab.with.kind === 'server' ? 'here' : tab.path || 'the project';
  const rightName = tab.with.kind === 'server' ? 'the server' : tab.with.path || 'the project';
  const copy = async (row: CompareRow, direction: CopyDirection) => {
    const plan = planCopy(result.rows, row, direction);
    if (!plan) return;
    const to = direction === 'left-to-right' ? rightName : leftName;
    if (plan.replacing > 0) {
      const files = plan.replacing === 1 ? '1 file' : `${plan.replacing} files`;
      const where = to === 'here' ? 'here' : to === 'the server' ? 'on the server' : `in ${to}`;
      const choice = await ask(`Replace ${files} ${where}?`, `${row.path}: ${files} will be replaced by the version${plan.replacing === 1 ? '' : 's'} from ${direction === 'left-to-right' ? leftName : rightName}. Anything changed since this compare is left as it is.`, [
        { label: 'Replace', value: 'replace', primary: true },
        { label: 'Cancel', value: 'cancel' },
      ]);
      if (choice !== 'replace') return;
    }
    setCopying(true);
    try {
      const report = await api().diff.copyAcross({ path: tab.path, with: tab.with, direction, items: plan.items });
      setCopied({ report, to });
    } catch (error) {
      setCopied({ error: errorMessage(error) });
    } finally {
      setCopying(false);
      setRound((value) => value + 1);
    }
  };
  const copyButton = (row: CompareRow, direction: CopyDirection) => {
    if (!planCopy(result.rows, row, direction)) return null;
    const to = direction === 'left-to-right' ? rightName : leftName;
    return (
      <button type="button" className="button small" disabled={copying} aria-label={`Copy ${row.path} ${to === 'here' ? 'here' : `to ${to}`}`} title={`Copy to ${to}`} onClick={() => void copy(row, direction)}>
        {direction === 'left-to-right' ? '→' : '←'}
      </button>
    );
  };
  const describe = (entry: CompareRow['left']) => (entry ? (entry.kind === 'file' ? formatBytes(entry.size) : entry.kind === 'symlink' ? `→ ${entry.linkTarget ?? ''}` : entry.kind) : '—');

  return (
    <div className="folder-compare" role="region" aria-label={`Folder compare ${result.left} and ${result.right}`}>
      <div className="diff-toolbar" role="toolbar" aria-label="Folder compare">
        <span className="diff-caption">
          Left: <strong>{result.left}</strong> · Right: <strong>{result.right}</strong> ·{' '}
          <span role="status" aria-label="Compare summary">
            {(['modified', 'new', 'missing', 'type-changed', 'same'] as const).map((state) => `${counts[state] ?? 0} ${STATE_WORDS[state]}`).join(', ')}
          </span>
          {result.hashed > 0 && ` · ${result.hashed} checked by content`}
        </span>
        <label className="check">
          <input type="checkbox" checked={hideSame} onChange={(event) => setHideSame(event.target.checked)} /> Hide same
        </label>
        <button type="button" className="button small" onClick={() => setRound(round + 1)}>
          Compare again
        </button>
      </div>
      {copied && 'error' in copied && (
        <p className="editor-message" role="alert">
          {copied.error}
        </p>
      )}
      {copied && 'report' in copied && (
        <div className="copy-report" role="status" aria-label="Copy result">
          Copied {copied.report.files} file{copied.report.files === 1 ? '' : 's'}
          {copied.report.folders > 0 && ` and ${copied.report.folders} folder${copied.report.folders === 1 ? '' : 's'}`} {copied.to === 'here' ? 'here' : `to ${copied.to}`}.
          {copied.report.skipped.length > 0 && (
            <ul role="alert" aria-label="Left as they were">
              {copied.report.skipped.map((skip) => (
                <li key={skip.path}>{skip.message}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {rows.length === 0 ? (
        <p className="editor-message">{result.rows.length === 0 ? 'Both folders are empty.' : 'The folders are the same.'}</p>
      ) : (
        <table className="compare-table" aria-label="Compared paths">
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">State</th>
              <th scope="col">Left</th>
              <th scope="col">Right</th>
              <th scope="col">Copy</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.path} className={`compare-${row.state}`}>
                <td>
                  {row.left?.kind === 'file' || row.right?.kind === 'file' ? (
                    <button type="button" className="link-button" aria-label={`Compare ${row.path}`} onClick={() => open(row)}>
                      {row.path}
                    </button>
                  ) : (
                    row.path
                  )}
                </td>
                <td>{STATE_WORDS[row.state]}</td>
                <td>{describe(row.left)}</td>
                <td>{describe(row.right)}</td>
                <td className="copy-cell">
                  {copyButton(row, 'left-to-right')}
                  {copyButton(row, 'right-to-left')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
