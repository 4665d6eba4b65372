import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

/**
 * Three builds into out/: main (Node, dependencies external), preload (one CJS file, as a
 * sandboxed preload must be), renderer (everything bundled, Monaco included; no CDN).
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve(root, 'main/app/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    base: './',
    plugins: [react()],
    resolve: {
      alias: [
        // monaco-vim imports Monaco's old deep paths; 0.57's exports map no longer maps them.
        { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: resolve(root, 'node_modules/monaco-editor/esm/vs/$1') },
        // Its "browser" export is a UMD file; the ESM build shares Monaco's module instance cleanly.
        { find: /^monaco-vim$/, replacement: resolve(root, 'node_modules/monaco-vim/dist/index.mjs') },
      ],
    },
    build: {
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      // electron-vite leaves bundles unminified by default; Monaco halves in size minified.
      minify: true,
      chunkSizeWarningLimit: 6000,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
