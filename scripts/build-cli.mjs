#!/usr/bin/env node
// Builds the `labdesk` command to JavaScript in out/cli/ (run by `npm run build`, and so by
// `npm install` through `prepare`): nothing is compiled when a user runs a command.
//
// Code-split ESM: the entry holds only the argument parser; each command is a chunk loaded when
// it runs (main/cli/index.ts imports them dynamically), so `labdesk --help` loads little.
// Packages are bundled in: node resolves and reads one file per chunk instead of dozens across
// node_modules. Left outside are those that find files next to their own: native modules
// (@parcel/watcher), ssh2 (its optional addon, and the poly1305 code's own __dirname), and
// `trash` (its macOS helper binary).
// The output sits two folders below the package root like main/cli/*.ts, so the `import.meta.url`
// paths in the sources (package.json, out/renderer) resolve the same from both.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'out/cli');

// Every module of ours only declares things (no work at import time), so esbuild may drop what a
// chunk does not use: each domain is imported through its index.ts, and without this a command
// would load every module that index re-exports (the whole sync service for a target parser).
const ownModulesAreSideEffectFree = {
  name: 'own-modules-side-effect-free',
  setup(build) {
    build.onResolve({ filter: /^\.{1,2}\// }, async (args) => {
      if (args.pluginData?.own || args.kind !== 'import-statement' || !args.importer.startsWith(path.join(root, 'main') + path.sep)) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: { own: true } });
      if (resolved.errors.length > 0) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};

await rm(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { labdesk: 'main/cli/labdesk.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // The oldest Node the package supports (package.json engines); Electron's own Node is newer.
  target: 'node20.19',
  external: ['@parcel/watcher', 'ssh2', 'trash', 'electron', 'bufferutil', 'utf-8-validate'],
  sourcemap: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS packages (commander, ws) call `require`, which ESM does not define.
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);" },
  chunkNames: '[name]-[hash]',
  plugins: [ownModulesAreSideEffectFree],
});
