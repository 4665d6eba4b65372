import { Document, isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** `---` on the first line, the YAML, then `---` on a line of its own. */
const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n?^---[ \t]*(?:\r?\n|$)/m;

export interface FrontMatterError {
  readonly message: string;
  /** 1-based line in the file. */
  readonly line: number;
}

export type FrontMatter =
  | { readonly kind: 'none'; readonly body: string }
  | { readonly kind: 'ok'; readonly document: Document; readonly yaml: string; readonly body: string; readonly bodyLine: number }
  | { readonly kind: 'malformed'; readonly error: FrontMatterError; readonly body: string };

/**
 * Splits a journal file into its YAML front matter and its Markdown body, and parses the YAML
 * with the `yaml` package's core schema (no code runs: gray-matter evaluates `---js` blocks; dates
 * stay the strings the person wrote). A file without front matter is all body; front matter that
 * does not parse, or is not a mapping, is reported with its line and the file is never rewritten.
 */
export function splitFrontMatter(text: string): FrontMatter {
  if (!text.startsWith('---')) return { kind: 'none', body: text };
  const match = FRONT_MATTER.exec(text);
  if (!match || match.index !== 0) return { kind: 'malformed', error: { message: 'The front matter starts with --- but has no closing --- line.', line: 1 }, body: text };
  const yaml = match[1] ?? '';
  const body = text.slice(match[0].length);
  const bodyLine = match[0].split('\n').length;
  const document = parseDocument(yaml, { prettyErrors: true, uniqueKeys: true });
  const problem = document.errors[0];
  if (problem) {
    // +1: the opening --- is line 1 of the file.
    const line = (problem.linePos?.[0]?.line ?? 1) + 1;
    return { kind: 'malformed', error: { message: firstLine(problem.message), line }, body };
  }
  if (document.contents !== null && !isMap(document.contents)) return { kind: 'malformed', error: { message: 'The front matter must be a list of `key: value` lines.', line: 2 }, body };
  return { kind: 'ok', document, yaml, body, bodyLine };
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message;
}

/** A field as a string (numbers and booleans as written); anything else is undefined. */
export function stringField(document: Document, key: string): string | undefined {
  const node = document.get(key, true);
  if (isScalar(node) && node.value !== null && node.value !== undefined && typeof node.value !== 'object') return String(node.value);
  return undefined;
}

/** A field as a list of strings: a YAML list, or one value (`tags: ablation` is one tag). */
export function listField(document: Document, key: string): string[] {
  const node = document.get(key, true);
  if (isSeq(node)) return node.items.flatMap((item) => (isScalar(item) && item.value !== null && item.value !== undefined ? [String(item.value)] : []));
  const one = stringField(document, key);
  return one === undefined || one === '' ? [] : [one];
}

/**
 * The file with one front-matter field set, everything else byte for byte as the person wrote it
 * (their key order, comments, quoting, spacing and the body): only the text of that one
 * `key: value` is replaced (its place found from the `yaml` document's source ranges), written in
 * the style it had (a `[a, b]` list stays a flow list). A new key goes at the end of the front
 * matter; a file without front matter gets one. Refuses malformed front matter.
 */
export function withField(text: string, key: string, value: string | readonly string[]): string {
  const parsed = splitFrontMatter(text);
  if (parsed.kind === 'malformed') throw new Error(`The front matter is malformed (line ${parsed.error.line}: ${parsed.error.message}); fix it before Labdesk edits it.`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (parsed.kind === 'none') return `---${eol}${renderPair(key, value, null, '').replace(/\n/g, eol)}${eol}---${eol}${text}`;
  const { document, yaml, body } = parsed;
  const pair = isMap(document.contents) ? document.contents.items.find((item) => isScalar(item.key) && item.key.value === key) : undefined;
  const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
  const valueRange = (pair?.value as { range?: [number, number, number] } | null | undefined)?.range;
  let next: string;
  if (keyRange && valueRange) {
    const old = yaml.slice(keyRange[0], valueRange[1]);
    next = yaml.slice(0, keyRange[0]) + renderPair(key, value, pair?.value ?? null, old).replace(/\n/g, eol) + yaml.slice(valueRange[1]);
  } else {
    next = `${yaml}${yaml === '' || yaml.endsWith('\n') ? '' : eol}${renderPair(key, value, null, '').replace(/\n/g, eol)}`;
  }
  return `---${eol}${next}${eol}---${eol}${body}`;
}

/** `key: value` as YAML, a list in the style the old value had (flow `[a, b]`, or one item per line). */
function renderPair(key: string, value: string | readonly string[], old: unknown, oldText: string): string {
  const document = new Document();
  const node = document.createNode({ [key]: typeof value === 'string' ? value : [...value] });
  if (typeof value !== 'string' && isSeq(old) && old.flow) for (const item of node.items) if (isSeq(item.value)) item.value.flow = true;
  document.contents = node;
  return document.toString({ flowCollectionPadding: /\[\s/.test(oldText), lineWidth: 0 }).replace(/\n$/, '');
}
