import * as monaco from 'monaco-editor/editor/editor.api';
// Editor features (find/replace, folding, multicursor, suggest, …) and the languages ML code uses.
// Importing only these instead of all of Monaco keeps the bundle ~9 MB smaller (research/electron.md §4.1).
import 'monaco-editor/features/register.all';
import 'monaco-editor/languages/features/json/register';
import 'monaco-editor/languages/definitions/python/register';
import 'monaco-editor/languages/definitions/yaml/register';
import 'monaco-editor/languages/definitions/shell/register';
import 'monaco-editor/languages/definitions/markdown/register';
import 'monaco-editor/languages/definitions/ini/register';
import 'monaco-editor/languages/definitions/cpp/register';
import 'monaco-editor/languages/definitions/dockerfile/register';
import 'monaco-editor/languages/definitions/javascript/register';
import 'monaco-editor/languages/definitions/typescript/register';
import 'monaco-editor/languages/definitions/r/register';
import 'monaco-editor/languages/definitions/julia/register';
import 'monaco-editor/languages/definitions/lua/register';
import 'monaco-editor/languages/definitions/sql/register';
import 'monaco-editor/languages/definitions/xml/register';
import 'monaco-editor/languages/definitions/html/register';
import 'monaco-editor/languages/definitions/css/register';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/languages/features/json/json.worker?worker';
import { registerToml } from './toml-language';

let done = false;

/** Workers come from our own bundle (`?worker`), never a CDN; CSP allows `worker-src 'self'` only. */
export function setupMonaco(): typeof monaco {
  if (done) return monaco;
  done = true;
  self.MonacoEnvironment = {
    getWorker(_workerId: string, label: string) {
      return label === 'json' ? new JsonWorker() : new EditorWorker();
    },
  };
  registerToml(monaco);
  return monaco;
}

export { monaco };
