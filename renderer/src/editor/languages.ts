/** Monaco language id for a file name; plain text when unknown. */
const BY_EXTENSION: Record<string, string> = {
  py: 'python',
  pyi: 'python',
  pyx: 'python',
  yaml: 'yaml',
  yml: 'yaml',
  json: 'json',
  jsonl: 'json',
  ipynb: 'json',
  sh: 'shell',
  bash: 'shell',
  zsh: 'shell',
  slurm: 'shell',
  sbatch: 'shell',
  md: 'markdown',
  markdown: 'markdown',
  toml: 'toml',
  ini: 'ini',
  cfg: 'ini',
  conf: 'ini',
  properties: 'ini',
  js: 'javascript',
  mjs: 'javascript',
  ts: 'typescript',
  c: 'cpp',
  h: 'cpp',
  cc: 'cpp',
  cpp: 'cpp',
  cu: 'cpp',
  cuh: 'cpp',
  hpp: 'cpp',
  dockerfile: 'dockerfile',
  r: 'r',
  jl: 'julia',
  lua: 'lua',
  sql: 'sql',
  xml: 'xml',
  html: 'html',
  css: 'css',
};

const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'shell',
  '.bashrc': 'shell',
  '.profile': 'shell',
  '.gitignore': 'ini',
  '.labdeskignore': 'ini',
  'setup.cfg': 'ini',
  'pyproject.toml': 'toml',
};

export function languageFor(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const byName = BY_NAME[name];
  if (byName) return byName;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? (BY_EXTENSION[name.slice(dot + 1)] ?? 'plaintext') : 'plaintext';
}

const DISPLAY_NAMES: Record<string, string> = {
  python: 'Python',
  yaml: 'YAML',
  json: 'JSON',
  shell: 'Shell',
  markdown: 'Markdown',
  toml: 'TOML',
  ini: 'INI',
  javascript: 'JavaScript',
  typescript: 'TypeScript',
  cpp: 'C/C++',
  dockerfile: 'Dockerfile',
  r: 'R',
  julia: 'Julia',
  lua: 'Lua',
  sql: 'SQL',
  xml: 'XML',
  html: 'HTML',
  css: 'CSS',
  plaintext: 'Plain Text',
};

/** The language's name as shown in the status bar. */
export function languageName(path: string): string {
  const id = languageFor(path);
  return DISPLAY_NAMES[id] ?? id;
}
