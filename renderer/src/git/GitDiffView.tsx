import { useEffect, useRef, useState } from 'react';
import type { VersionContent } from '../../../preload/api';
import { api } from '../api/client';
import { formatBytes } from '../app/format';
import { languageFor } from '../editor/languages';
import { getModel } from '../editor/model-registry';
import { monaco } from '../editor/monaco-setup';
import { notify } from '../state/notifications-store';
import { useEditor } from '../state/editor-store';
import { changeAt, changeSelection, selectedLines, type LineChange } from './diff-selection';
import { useGit } from './git-store';
import type { DiffSide, GitDiffTab } from './git-tabs';
import { useLoaded } from './use-loaded';

interface Sides {
  readonly left: VersionContent;
  readonly right: VersionContent;
}

/**
 * Two versions of one file in Monaco's diff editor: side by side or inline, whitespace ignored or
 * not, unchanged regions folded, next/previous change. When the right side is the working tree it
 * is the file's own editor model, so edits here are edits to the file (Ctrl/Cmd+S saves). In a
 * diff of the index against the working tree (or HEAD against the index) a change or the chosen
 * lines can be staged (or unstaged) from here.
 */
export function GitDiffView({ tab }: { tab: GitDiffTab }) {
  const status = useGit((state) => state.status);
  const worktreeModelReady = useEditor((state) => tab.right.kind === 'worktree' && state.tabs.some((candidate) => candidate.kind === 'file' && candidate.path === tab.path && candidate.status === 'text'));

  // Both sides, read again whenever the repository changes (a stage moves lines from one side to the other).
  const { value: sides, error } = useLoaded(
    async (): Promise<Sides> => {
      const [left, right] = await Promise.all([readSide(tab.oldPath ?? tab.path, tab.left), readSide(tab.path, tab.right)]);
      return { left, right };
    },
    [tab.path, tab.oldPath, tab.left, tab.right, status],
    { keepPrevious: true },
  );

  // The working-tree side edits the file itself: its model comes from a (background) file tab.
  useEffect(() => {
    if (tab.right.kind === 'worktree' && sides?.right.kind === 'text') void useEditor.getState().openFile(tab.path, { background: true });
  }, [tab.path, tab.right.kind, sides?.right.kind]);

  if (error) return <p className="editor-message" role="alert">{error}</p>;
  if (!sides) return <p className="editor-message">Reading {tab.path}…</p>;
  const textual = (side: VersionContent) => side.kind === 'text' || side.kind === 'missing';
  if (!textual(sides.left) || !textual(sides.right)) return <BinaryDiff tab={tab} sides={sides} />;
  if (tab.right.kind === 'worktree' && sides.right.kind === 'text' && !worktreeModelReady) return <p className="editor-message">Opening {tab.path}…</p>;
  return <TextDiff tab={tab} leftText={textOf(sides.left)} rightText={textOf(sides.right)} />;
}

/** A git version through git; the server's copy through the active target's connection. */
async function readSide(path: string, side: DiffSide): Promise<VersionContent> {
  if (side.kind !== 'server') return api().git.readVersion({ path, version: side });
  const remote = await api().sync.readRemote({ path });
  if (remote.kind === 'text') return { kind: 'text', text: remote.text, size: remote.size };
  if (remote.kind === 'missing') return { kind: 'missing' };
  // The server side is compared by size only (hashing it would mean reading it whole over the link).
  return { kind: remote.kind, size: remote.size, hash: '' };
}

const textOf = (side: VersionContent) => (side.kind === 'text' ? side.text : '');

function TextDiff({ tab, leftText, rightText }: { tab: GitDiffTab; leftText: string; rightText: string }) {
  const hostRef = useRef<HTMLDivElement>(null);
  const diffRef = useRef<monaco.editor.IStandaloneDiffEditor | null>(null);
  const originalRef = useRef<monaco.editor.ITextModel | null>(null);
  const modifiedRef = useRef<monaco.editor.ITextModel | null>(null);
  const [sideBySide, setSideBySide] = useState(true);
  const [ignoreWhitespace, setIgnoreWhitespace] = useState(false);
  const [hideUnchanged, setHideUnchanged] = useState(false);
  const [changes, setChanges] = useState<readonly LineChange[] | null>(null);
  const busy = useGit((state) => state.busy);

  useEffect(() => {
    const language = languageFor(tab.path);
    const original = monaco.editor.createModel(leftText, language);
    const fileModel = tab.right.kind === 'worktree' ? getModel(tab.path) : undefined;
    const ownModified = fileModel ? null : monaco.editor.createModel(rightText, language);
    const modified = fileModel ?? (ownModified as monaco.editor.ITextModel);
    const diff = monaco.editor.createDiffEditor(hostRef.current as HTMLElement, {
      automaticLayout: true,
      originalEditable: false,
      readOnly: fileModel === undefined,
      renderSideBySide: true,
      ignoreTrimWhitespace: false,
      fontSize: 13,
      ariaLabel: `Diff of ${tab.path}`,
    });
    diff.setModel({ original, modified });
    originalRef.current = original;
    modifiedRef.current = modified;
    diffRef.current = diff;
    const listener = diff.onDidUpdateDiff(() => setChanges(diff.getLineChanges() ?? []));
    return () => {
      listener.dispose();
      diff.dispose();
      original.dispose();
      ownModified?.dispose();
      diffRef.current = null;
    };
    // The models' text is kept current by the effect below; the editor is made once per tab.
  }, [tab.id]);

  useEffect(() => {
    if (originalRef.current && originalRef.current.getValue() !== leftText) originalRef.current.setValue(leftText);
    const modified = modifiedRef.current;
    if (modified && tab.right.kind !== 'worktree' && modified.getValue() !== rightText) modified.setValue(rightText);
  }, [leftText, rightText, tab.right.kind]);

  useEffect(() => {
    diffRef.current?.updateOptions({ renderSideBySide: sideBySide, ignoreTrimWhitespace: ignoreWhitespace, hideUnchangedRegions: { enabled: hideUnchanged } });
  }, [sideBySide, ignoreWhitespace, hideUnchanged]);

  const sendLines = async (which: 'hunk' | 'selection') => {
    const diff = diffRef.current;
    if (!diff || !changes || changes.length === 0 || tab.lines === null) return;
    let selection;
    if (which === 'hunk') {
      const line = diff.getModifiedEditor().getPosition()?.lineNumber ?? 1;
      const change = changeAt(changes, line) ?? changes[0];
      if (!change) return;
      selection = changeSelection(change);
    } else {
      const ranges = (editor: monaco.editor.ICodeEditor) =>
        (editor.getSelections() ?? []).filter((range) => !range.isEmpty()).map((range) => [range.startLineNumber, range.endColumn === 1 && range.endLineNumber > range.startLineNumber ? range.endLineNumber - 1 : range.endLineNumber] as const);
      selection = selectedLines(changes, ranges(diff.getModifiedEditor()), ranges(diff.getOriginalEditor()));
      if (selection.oldLines.length === 0 && selection.newLines.length === 0) {
        notify('warning', 'Select the changed lines to stage first (or use the hunk button for the change at the cursor).');
        return;
      }
    }
    // Unsaved edits are not what git sees; the file is saved first so the lines match.
    if (tab.right.kind === 'worktree' && !(await useEditor.getState().save(tab.path))) return;
    await useGit.getState().stageLines(tab.path, tab.lines === 'unstage', selection);
  };

  const verb = tab.lines === 'unstage' ? 'Unstage' : 'Stage';
  return (
    <div className="diff-view">
      <div className="diff-toolbar" role="toolbar" aria-label="Diff">
        <span className="diff-caption">
          Left: <strong>{tab.leftLabel}</strong> · Right: <strong>{tab.rightLabel}</strong>
          {tab.right.kind === 'worktree' && ' (editable)'}
          {changes && ` · ${changes.length} ${changes.length === 1 ? 'change' : 'changes'}`}
        </span>
        <button type="button" className="button" aria-label="Previous change" title="Previous change" onClick={() => diffRef.current?.goToDiff('previous')}>
          ↑
        </button>
        <button type="button" className="button" aria-label="Next change" title="Next change" onClick={() => diffRef.current?.goToDiff('next')}>
          ↓
        </button>
        <label className="check">
          <input type="checkbox" checked={!sideBySide} onChange={(event) => setSideBySide(!event.target.checked)} /> Inline
        </label>
        <label className="check">
          <input type="checkbox" checked={ignoreWhitespace} onChange={(event) => setIgnoreWhitespace(event.target.checked)} /> Ignore whitespace
        </label>
        <label className="check">
          <input type="checkbox" checked={hideUnchanged} onChange={(event) => setHideUnchanged(event.target.checked)} /> Hide unchanged
        </label>
        {tab.lines !== null && (
          <>
            <button type="button" className="button" disabled={!changes || changes.length === 0 || busy !== null} onClick={() => void sendLines('hunk')}>
              {verb} hunk
            </button>
            <button type="button" className="button" disabled={!changes || changes.length === 0 || busy !== null} onClick={() => void sendLines('selection')}>
              {verb} selected lines
            </button>
          </>
        )}
      </div>
      <div ref={hostRef} className="monaco-host" />
    </div>
  );
}

/** Binary files as sizes and hashes; images side by side. */
function BinaryDiff({ tab, sides }: { tab: GitDiffTab; sides: Sides }) {
  const describe = (side: VersionContent) => {
    switch (side.kind) {
      case 'missing':
        return 'does not exist';
      case 'text':
        return `text, ${formatBytes(side.size)}`;
      default:
        return `${side.kind === 'image' ? side.mime : side.kind === 'too-large' ? 'too large to compare as text' : 'binary'}, ${formatBytes(side.size)}${side.hash ? `, blob ${side.hash.slice(0, 12)}` : ''}`;
    }
  };
  const same = 'hash' in sides.left && 'hash' in sides.right && sides.left.hash !== '' && sides.left.hash === sides.right.hash;
  return (
    <div className="binary-diff" role="region" aria-label={`Comparison of ${tab.path}`}>
      <p className="editor-message">{same ? `${tab.path}: both sides are the same.` : `${tab.path} differs (binary files are compared by size and hash).`}</p>
      <div className="binary-sides">
        {([['left', tab.leftLabel, sides.left], ['right', tab.rightLabel, sides.right]] as const).map(([key, label, side]) => (
          <figure key={key} className="binary-side">
            <figcaption>
              <strong>{label}</strong>: {describe(side)}
            </figcaption>
            {side.kind === 'image' && <img src={side.dataUrl} alt={`${tab.path} (${label})`} />}
          </figure>
        ))}
      </div>
    </div>
  );
}
