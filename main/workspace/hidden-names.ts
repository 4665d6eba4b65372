/** Folders never shown in the file tree: their contents are tool state, not project files. */
export const HIDDEN_IN_TREE: ReadonlySet<string> = new Set(['.git', 'node_modules']);

/** Folders quick open does not index either (caches and environments with thousands of files). */
export const SKIPPED_BY_INDEX: ReadonlySet<string> = new Set([
  ...HIDDEN_IN_TREE,
  '__pycache__',
  '.venv',
  '.mypy_cache',
  '.pytest_cache',
  '.ipynb_checkpoints',
]);
