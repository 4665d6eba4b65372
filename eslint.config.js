import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import labdesk from './scripts/eslint/domain-entry.mjs';

const ELECTRON_ONLY_IN_APP =
  'Only main/app/ (and the preload) may import electron: everything else must run and be tested in plain Node.';
const RAW_IPC = 'Use the one IPC wrapper (main/app/ipc.ts, preload/index.ts); raw ipcMain/ipcRenderer elsewhere bypasses sender checks and validation.';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: ELECTRON_ONLY_IN_APP }] }],
      // `import('electron')` and `require('electron')` would slip past no-restricted-imports.
      'no-restricted-syntax': [
        'error',
        { selector: "ImportExpression[source.value='electron']", message: ELECTRON_ONLY_IN_APP },
        { selector: "CallExpression[callee.name='require'][arguments.0.value='electron']", message: ELECTRON_ONLY_IN_APP },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    plugins: { labdesk },
    rules: { 'labdesk/domain-entry': 'error' },
  },
  {
    files: ['main/app/**/*.ts', 'preload/index.ts', 'tests/electron/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // main/app is the Electron glue; raw ipcMain only in its ipc.ts.
    files: ['main/app/**/*.ts'],
    ignores: ['main/app/ipc.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: RAW_IPC }] }],
    },
  },
  {
    files: ['main/app/ipc.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The preload necessarily uses contextBridge + ipcRenderer: it is the renderer-side wrapper.
    files: ['preload/index.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['tests/electron/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
);
