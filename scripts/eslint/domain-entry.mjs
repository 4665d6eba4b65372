// ESLint rule: a file in main/<domain>/ imports another domain only through that domain's
// index.ts, so each domain's public surface is one file a newcomer can read, and moving a file
// inside a domain never breaks another one. Dynamic import() may name a file inside: the CLI
// loads the sync engine lazily that way, so that `labdesk --help` and the connect start early.
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'main');

function domainOf(file) {
  const relative = path.relative(MAIN, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? null : relative.split(path.sep)[0];
}

export const domainEntry = {
  meta: {
    type: 'problem',
    docs: { description: 'import another main/ domain through its index.ts' },
    messages: { deep: "Import main/{{domain}} through its index ('{{entry}}'), not {{file}}: add the export to main/{{domain}}/index.ts." },
    schema: [],
  },
  create(context) {
    const filename = context.filename;
    const from = domainOf(filename);
    if (from === null) return {};
    const check = (node) => {
      const spec = node.source?.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(filename), spec);
      const to = domainOf(target);
      if (to === null || to === from) return;
      const inside = path.relative(path.join(MAIN, to), target);
      if (inside === '' || inside === 'index' || inside === 'index.ts') return;
      let entry = path.relative(path.dirname(filename), path.join(MAIN, to));
      if (!entry.startsWith('.')) entry = `./${entry}`;
      context.report({ node: node.source, messageId: 'deep', data: { domain: to, entry, file: spec } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check };
  },
};

export default { rules: { 'domain-entry': domainEntry } };
