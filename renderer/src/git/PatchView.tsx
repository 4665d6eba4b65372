import { html as diffHtml } from 'diff2html';
import 'diff2html/bundles/css/diff2html.min.css';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { useEditor } from '../state/editor-store';
import { useSettings } from '../state/settings-store';
import { LineCounts } from './CommitDetailsPane';
import { EMPTY_TREE, type PatchTab } from './git-tabs';
import { useLoaded } from './use-loaded';

/** Files drawn at once; the rest wait for a click, so a patch of 2,000 files opens at once. */
const FIRST_FILES = 12;
/** A file with more patch lines than this is drawn only when asked (a generated file, a notebook). */
const LINES_PER_FILE = 3000;

interface FilePatch {
  readonly path: string;
  readonly text: string;
  readonly lines: number;
}

/** The patch cut at each `diff --git`, with the new path of each file. */
function splitPatch(patch: string): FilePatch[] {
  const parts = patch.split(/^(?=diff --git )/m).filter((part) => part.startsWith('diff --git '));
  return parts.map((text) => {
    const header = /^diff --git a\/(.*?) b\/(.*)$/m.exec(text);
    return { path: header?.[2] ?? '?', text, lines: text.split('\n').length };
  });
}

/**
 * A multi-file patch (a commit, a stash, two commits) drawn with diff2html: the complete file list
 * with +/- counts, then each file's patch; large patches are cut by main (whole files only) and
 * large files wait for a click, so the window never freezes. Any file opens in the diff editor.
 */
export function PatchView({ tab }: { tab: PatchTab }) {
  const { value: result, error } = useLoaded(
    () => (tab.run ? api().runs.patch({ id: tab.run }) : api().git.patch({ from: tab.from, to: tab.to, ...(tab.untracked && { untracked: tab.untracked }) })),
    [tab.from, tab.to, tab.untracked, tab.run],
  );
  const [shown, setShown] = useState<ReadonlySet<string>>(new Set());
  const [all, setAll] = useState(false);
  const theme = useSettings((state) => state.settings.theme);
  const openGitDiff = useEditor((state) => state.openGitDiff);

  const files = useMemo(() => (result ? splitPatch(result.patch) : []), [result]);
  // Each file's HTML is made once per patch and theme, not again on every click that re-renders.
  const draw = useMemo(() => {
    const drawn = new Map<FilePatch, string>();
    const options = { drawFileList: false, outputFormat: 'line-by-line', matching: 'none', colorScheme: theme === 'dark' ? 'dark' : 'light' } as Parameters<typeof diffHtml>[1];
    return (file: FilePatch) => {
      let html = drawn.get(file);
      if (html === undefined) drawn.set(file, (html = diffHtml(file.text, options)));
      return html;
    };
  }, [files, theme]);
  if (error) return <p className="editor-message" role="alert">{error}</p>;
  if (!result) return <p className="editor-message">Reading the patch…</p>;

  const openFile = (path: string, oldPath?: string) =>
    // A run's patch is not in git: its file opens in place, drawn below.
    tab.run
      ? setShown(new Set([...shown, path]))
      : openGitDiff({ path, ...(oldPath !== undefined && { oldPath }), left: { kind: 'commit', oid: tab.from ?? EMPTY_TREE }, right: { kind: 'commit', oid: tab.to } });

  return (
    <div className="patch-view" role="region" aria-label={`Patch ${tab.title}`}>
      <p className="patch-summary">
        {result.files.length} files changed
        {result.truncated && ` · the patch is large: the files after the first ${files.length} are listed but not drawn; open any of them in the diff editor`}
      </p>
      <ul className="changed-files" aria-label="Files in the patch">
        {result.files.map((file) => (
          <li key={file.path}>
            <button type="button" className="changed-file" aria-label={`Open ${file.path} in the diff editor`} onClick={() => openFile(file.path, file.oldPath)}>
              <span className="changed-path">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</span>
              <LineCounts file={file} />
            </button>
          </li>
        ))}
      </ul>
      {files.map((file, index) => {
        const wanted = shown.has(file.path) || ((all || index < FIRST_FILES) && file.lines <= LINES_PER_FILE);
        return wanted ? (
          // diff2html escapes the patch's text; the CSP forbids inline scripts either way.
          <div key={file.path} className="patch-file" dangerouslySetInnerHTML={{ __html: draw(file) }} />
        ) : (
          <div key={file.path} className="patch-file folded">
            <code>{file.path}</code> · {file.lines.toLocaleString()} lines{' '}
            <button type="button" className="button small" onClick={() => setShown(new Set([...shown, file.path]))}>
              Show {file.path}
            </button>
          </div>
        );
      })}
      {!all && files.length > FIRST_FILES && (
        <button type="button" className="button" onClick={() => setAll(true)}>
          Show all {files.length} files
        </button>
      )}
    </div>
  );
}
