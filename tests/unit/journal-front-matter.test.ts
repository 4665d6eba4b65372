import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listField, splitFrontMatter, stringField, withField } from '../../main/journal/front-matter';
import { entryPath } from '../../main/journal/journal-entry';

const entry = `---
# the sweep that finally converged
title: LR sweep   # short
created: 2026-12-07
tags: [ablation, lr]
runs:
  - r-20261207-1
---
# LR sweep

Body with a --- line inside is fine.
---
`;

describe('journal front matter (the yaml package, never gray-matter)', () => {
  it('reads fields as written: dates stay strings, a single tag is a list of one', () => {
    const parsed = splitFrontMatter(entry);
    assert.equal(parsed.kind, 'ok');
    if (parsed.kind !== 'ok') return;
    assert.equal(stringField(parsed.document, 'title'), 'LR sweep');
    assert.equal(stringField(parsed.document, 'created'), '2026-12-07');
    assert.deepEqual(listField(parsed.document, 'tags'), ['ablation', 'lr']);
    assert.deepEqual(listField(parsed.document, 'runs'), ['r-20261207-1']);
    const single = splitFrontMatter('---\ntags: ablation\n---\n');
    assert.ok(single.kind === 'ok');
    assert.deepEqual(listField(single.document, 'tags'), ['ablation']);
    assert.ok(parsed.body.startsWith('# LR sweep'));
    assert.ok(parsed.body.endsWith('---\n'), 'a later --- belongs to the body');
  });

  it('malformed front matter: the error and its line in the file', () => {
    const bad = splitFrontMatter('---\ntitle: ok\ntags: [a, b\ncreated: x\n---\nbody\n');
    assert.equal(bad.kind, 'malformed');
    assert.ok(bad.kind === 'malformed' && bad.error.line >= 3 && bad.error.line <= 5, JSON.stringify(bad));
    const unclosed = splitFrontMatter('---\ntitle: never closed\n');
    assert.ok(unclosed.kind === 'malformed' && /no closing ---/.test(unclosed.error.message) && unclosed.error.line === 1);
    const list = splitFrontMatter('---\n- a\n- b\n---\n');
    assert.ok(list.kind === 'malformed' && /key: value/.test(list.error.message));
    const duplicate = splitFrontMatter('---\ntitle: a\ntitle: b\n---\n');
    assert.equal(duplicate.kind, 'malformed');
  });

  it('runs no code: a ---js block is just malformed YAML', () => {
    const parsed = splitFrontMatter("---js\n{ pwned: (globalThis.__pwned = 1) }\n---\n");
    assert.notEqual(parsed.kind, 'ok');
    assert.equal((globalThis as { __pwned?: number }).__pwned, undefined);
  });

  it('setting one field keeps the comments, key order, quoting and body as written', () => {
    const next = withField(entry, 'runs', ['r-20261207-1', 'r-20261207-2']);
    assert.ok(next.startsWith('---\n# the sweep that finally converged\ntitle: LR sweep   # short\ncreated: 2026-12-07\ntags: [ablation, lr]\n'), next);
    assert.match(next, /runs:\n {2}- r-20261207-1\n {2}- r-20261207-2\n---\n# LR sweep/);
    assert.ok(next.endsWith('Body with a --- line inside is fine.\n---\n'));
    const titled = withField(entry, 'title', 'LR sweep, take 2');
    assert.match(titled, /^title: LR sweep, take 2 {3}# short$/m, 'the comment after the value stays');
    assert.equal(withField(entry, 'tags', ['a', 'b']).split('\n')[4], 'tags: [a, b]', 'a flow list stays a flow list');
    assert.match(withField(entry, 'commits', ['4f2a9c1']), /runs:\n {2}- r-20261207-1\ncommits:\n {2}- 4f2a9c1\n---\n/, 'a new key goes at the end');
    assert.throws(() => withField('---\ntags: [a\n---\nbody', 'tags', ['x']), /malformed \(line \d+/);
    assert.equal(withField('just notes\n', 'tags', ['idea']), '---\ntags:\n  - idea\n---\njust notes\n');
    assert.ok(withField('---\r\ntitle: a\r\n---\r\nbody\r\n', 'tags', ['x']).startsWith('---\r\ntitle: a\r\ntags:\r\n'), 'CRLF files stay CRLF');
  });

  it('entry names: journal/<date>-<slug>.md', () => {
    assert.equal(entryPath(new Date(2026, 11, 7, 14, 5), 'LR sweep: Café 3e-4 / warm-up!'), 'journal/2026-12-07-lr-sweep-cafe-3e-4-warm-up.md');
    assert.equal(entryPath(new Date(2026, 0, 2), '???'), 'journal/2026-01-02-entry.md');
  });
});
