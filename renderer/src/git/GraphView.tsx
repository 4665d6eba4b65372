import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { GraphRowData, GraphSearchField } from '../../../preload/api';
import { CommitDetailsPane } from './CommitDetailsPane';
import { GraphCell, graphWidth, ROW_HEIGHT } from './GraphCell';
import { repoStatus, useGit } from './git-store';
import { useGraph } from './graph-store';
import { fullDate, relativeTime } from './relative-time';

const FIELDS: readonly { value: GraphSearchField; label: string }[] = [
  { value: 'message', label: 'Message' },
  { value: 'author', label: 'Author' },
  { value: 'hash', label: 'Hash' },
  { value: 'path', label: 'Path' },
];

const rowDomId = (index: number) => `graph-row-${index}`;

/**
 * The commit graph tab: every commit of every branch, remote, tag and stash as a virtualized
 * list (only the rows in view are in the DOM, fetched from main by range), with a working-tree row
 * on top when there are changes, search, jumps to HEAD and to a branch, keyboard navigation, and
 * the selected commit's details below.
 */
export function GraphView() {
  const { summary, error, version, selected, search, open, ensureRows, row, select, find, step, clearSearch } = useGraph();
  const status = useGit((state) => state.status);
  const repo = repoStatus(status);
  const changes = repo ? repo.staged.length + repo.unstaged.length + repo.untracked.length + repo.conflicted.length : 0;
  const offset = changes > 0 ? 1 : 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [field, setField] = useState<GraphSearchField>('message');
  const [query, setQuery] = useState('');

  useEffect(() => {
    if (!summary && !error) void open();
  }, [summary, error, open]);

  const count = (summary?.rows ?? 0) + offset;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_HEIGHT, overscan: 10 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    ensureRows(first - offset - 50, last - offset + 50);
  }, [first, last, offset, ensureRows, summary?.rows]);

  useEffect(() => {
    if (selected !== null) virtualizer.scrollToIndex(selected + offset, { align: 'auto' });
    // Scroll only when the selection moves, not when more rows arrive.
  }, [selected]);

  if (error && !summary) return <p className="editor-message" role="alert">{error}</p>;
  if (!summary) return <p className="editor-message">Reading the history…</p>;

  const width = graphWidth(summary.width);
  const total = summary.rows;
  const headRow = summary.refs.find((ref) => ref.oid === summary.head)?.row ?? (summary.head ? null : null);
  const jumpTo = (index: number) => {
    select(Math.max(0, Math.min(total - 1, index)));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 1);
    const at = selected ?? -1;
    const moves: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at - 1, PageDown: at + page, PageUp: at - page, Home: 0, End: total - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    jumpTo(target);
  };
  const selectedData = selected === null ? undefined : row(selected);
  const branches = summary.refs.filter((ref) => ref.kind === 'local' || ref.kind === 'remote');
  void version; // re-render when rows arrive

  return (
    <div className="graph-view">
      <div className="graph-toolbar" role="toolbar" aria-label="Graph">
        <form
          className="graph-search"
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            void find(field, query);
          }}
        >
          <select aria-label="Search in" value={field} onChange={(event) => setField(event.target.value as GraphSearchField)}>
            {FIELDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <input type="search" aria-label="Search commits" placeholder="Search commits (Enter)" value={query} onChange={(event) => setQuery(event.target.value)} />
          {search && (
            <span className="search-count" role="status">
              {search.rows.length === 0 ? 'no match' : `${search.at + 1} of ${search.rows.length}${search.truncated ? '+' : ''}`}
            </span>
          )}
          <button type="button" className="button small" aria-label="Previous match" disabled={!search || search.rows.length === 0} onClick={() => step(-1)}>
            ↑
          </button>
          <button type="button" className="button small" aria-label="Next match" disabled={!search || search.rows.length === 0} onClick={() => step(1)}>
            ↓
          </button>
          {search && (
            <button type="button" className="button small" onClick={() => (clearSearch(), setQuery(''))}>
              Clear
            </button>
          )}
        </form>
        <button type="button" className="button small" disabled={headRow === null} onClick={() => headRow !== null && jumpTo(headRow)}>
          Go to HEAD
        </button>
        <select
          aria-label="Go to branch"
          value=""
          onChange={(event) => {
            const ref = branches.find((candidate) => candidate.name === event.target.value);
            if (ref?.row !== null && ref?.row !== undefined) jumpTo(ref.row);
          }}
        >
          <option value="">Go to branch…</option>
          {branches.map((ref) => (
            <option key={ref.name} value={ref.name}>
              {ref.short}
            </option>
          ))}
        </select>
        <span className="graph-count" role="status" aria-label="Commit count">
          {total.toLocaleString()} commits{summary.done ? '' : ' so far…'}
        </span>
      </div>
      <div
        ref={scrollRef}
        className="graph-list"
        role="listbox"
        aria-label="Commits"
        tabIndex={0}
        aria-activedescendant={selected !== null ? rowDomId(selected) : undefined}
        onKeyDown={onKeyDown}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
            if (offset === 1 && item.index === 0) {
              return (
                <div key="worktree" className="graph-row worktree-row" role="option" aria-selected={false} aria-label={`Uncommitted changes: ${changes} files`} style={style}>
                  <svg className="graph-cell" width={width} height={ROW_HEIGHT} aria-hidden="true">
                    <circle cx={7} cy={ROW_HEIGHT / 2} r={4} className="node worktree" />
                  </svg>
                  <span className="graph-subject">Uncommitted changes ({changes} files)</span>
                </div>
              );
            }
            const index = item.index - offset;
            const data = row(index);
            return data ? (
              <CommitRow key={index} data={data} width={width} head={summary.head} headBranch={summary.headBranch} selected={selected === index} style={style} onSelect={() => select(index)} />
            ) : (
              <div key={index} className="graph-row loading" role="option" aria-selected={false} aria-label="Loading" style={style} />
            );
          })}
        </div>
      </div>
      {selectedData && <CommitDetailsPane oid={selectedData.oid} />}
    </div>
  );
}

function CommitRow({ data, width, head, headBranch, selected, style, onSelect }: { data: GraphRowData; width: number; head: string | null; headBranch: string | null; selected: boolean; style: React.CSSProperties; onSelect: () => void }) {
  const short = data.oid.slice(0, 8);
  const isHead = data.oid === head;
  const headShort = headBranch?.replace(/^refs\/heads\//, '') ?? null;
  return (
    <div
      id={rowDomId(data.row)}
      className={`graph-row${selected ? ' selected' : ''}${data.kind === 'stash' ? ' stash-row' : ''}`}
      role="option"
      aria-selected={selected}
      aria-label={`${data.subject || '(no message)'}, ${short}`}
      style={style}
      onClick={onSelect}
    >
      <GraphCell row={data} width={width} />
      <span className="graph-refs">
        {isHead && headShort === null && <span className="ref ref-head">HEAD</span>}
        {data.refs.map((ref) => (
          <span key={`${ref.kind}:${ref.short}`} className={`ref ref-${ref.kind}${isHead && ref.kind === 'local' && ref.short === headShort ? ' ref-head' : ''}`} title={`${ref.kind === 'local' ? 'branch' : ref.kind === 'remote' ? 'remote branch' : ref.kind}: ${ref.short}`}>
            {ref.short}
          </span>
        ))}
      </span>
      <span className="graph-subject">{data.subject || <em>(no message)</em>}</span>
      <span className="graph-author">{data.author}</span>
      <span className="graph-date" title={fullDate(data.time)}>
        {relativeTime(data.time)}
      </span>
      <code className="graph-hash">{short}</code>
    </div>
  );
}
