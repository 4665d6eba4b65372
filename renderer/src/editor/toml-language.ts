import type * as Monaco from 'monaco-editor/editor/editor.api';

/** Monaco ships no TOML grammar; pyproject.toml and experiment configs use it, so here is a small one. */
export function registerToml(monaco: typeof Monaco): void {
  monaco.languages.register({ id: 'toml', extensions: ['.toml'], aliases: ['TOML'] });
  monaco.languages.setLanguageConfiguration('toml', {
    comments: { lineComment: '#' },
    brackets: [['[', ']'], ['{', '}']],
    autoClosingPairs: [
      { open: '[', close: ']' },
      { open: '{', close: '}' },
      { open: '"', close: '"' },
      { open: "'", close: "'" },
    ],
  });
  monaco.languages.setMonarchTokensProvider('toml', {
    tokenizer: {
      root: [
        [/^\s*\[\[?[^\]]*\]\]?/, 'type'],
        [/#.*$/, 'comment'],
        [/[A-Za-z0-9_.-]+(?=\s*=)/, 'key'],
        [/"""/, 'string', '@multiBasic'],
        [/'''/, 'string', '@multiLiteral'],
        [/"([^"\\]|\\.)*"/, 'string'],
        [/'[^']*'/, 'string'],
        [/\d{4}-\d{2}-\d{2}([Tt ][\d:.]+)?([Zz]|[+-]\d{2}:\d{2})?/, 'number'],
        [/[+-]?(0x[0-9a-fA-F_]+|0o[0-7_]+|0b[01_]+|\d[\d_]*(\.[\d_]+)?([eE][+-]?\d+)?|inf|nan)/, 'number'],
        [/\b(true|false)\b/, 'keyword'],
        [/[=,]/, 'delimiter'],
      ],
      multiBasic: [
        [/"""/, 'string', '@pop'],
        [/./, 'string'],
      ],
      multiLiteral: [
        [/'''/, 'string', '@pop'],
        [/./, 'string'],
      ],
    },
  });
}
