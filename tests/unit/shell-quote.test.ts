import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { shellCommand, shellQuote } from '../../main/ssh/shell-quote';

const execFileAsync = promisify(execFile);

describe('shellQuote', () => {
  const table: [string, string][] = [
    ['plain', 'plain'],
    ['/home/me/proj/train.py', '/home/me/proj/train.py'],
    ['--lr=0.1', "'--lr=0.1'"],
    ['-n', '-n'],
    ['user@host:22', 'user@host:22'],
    ['', "''"],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ["'", "''\\'''"],
    ['$(rm -rf ~)', "'$(rm -rf ~)'"],
    ['`id`', "'`id`'"],
    ['a\nb', "'a\nb'"],
    ['~', "'~'"],
    ['*.py', "'*.py'"],
    ['a;b|c&d', "'a;b|c&d'"],
    ['back\\slash', "'back\\slash'"],
    ['données', "'données'"],
    ['=cmd', "'=cmd'"],
  ];
  for (const [input, expected] of table) {
    it(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(shellQuote(input), expected));
  }

  it('refuses a NUL byte, which no argv can carry', () => {
    assert.throws(() => shellQuote('a\0b'), /NUL byte/);
  });

  it('shellCommand joins quoted words and needs a command', () => {
    assert.equal(shellCommand(['ls', '-l', 'my dir']), "ls -l 'my dir'");
    assert.throws(() => shellCommand([]), RangeError);
  });
});

describe('shellCommand through a real sh', () => {
  const weird = [
    'plain',
    'two words',
    "it's",
    "''",
    '"double"',
    '$(touch /tmp/labdesk-pwned)',
    '`touch /tmp/labdesk-pwned`',
    '$HOME',
    '${HOME}',
    'line one\nline two',
    'tab\there',
    'trailing newline\n',
    '-leading-dash',
    '--',
    '',
    ' ',
    'back\\slash\\',
    '!bang',
    '*',
    '~',
    'a;b&&c||d|e>f<g',
    '#not a comment',
    'données 数据 🚀',
    "mixed 'single' and \"double\" and `tick` and $(dollar)",
  ];

  it('every argument comes back byte for byte from sh -c', async () => {
    // Each argument comes back framed in <> and NUL-terminated, so empty ones and trailing
    // newlines are visible (command substitution would strip them). The format comes first,
    // so a leading-dash argument is data, not a printf option.
    const script = `printf '<%s>\\0' ${shellCommand(weird)}`;
    const { stdout } = await execFileAsync('sh', ['-c', script]);
    const back = stdout.split('\0').slice(0, -1).map((framed) => framed.slice(1, -1));
    assert.deepEqual(back, weird);
  });

  it('printf "%s\\n" round trip as the brief states it', async () => {
    const simple = weird.filter((arg) => !arg.includes('\n'));
    const { stdout } = await execFileAsync('sh', ['-c', 'printf "%s\\n" ' + shellCommand(simple)]);
    assert.deepEqual(stdout.split('\n').slice(0, -1), simple);
  });

  it('quoted words also survive bash (a login shell on many servers)', async (t) => {
    const bash = await execFileAsync('bash', ['-c', 'true']).then(() => true, () => false);
    if (!bash) return t.skip('bash is not installed');
    const { stdout } = await execFileAsync('bash', ['-c', `printf '<%s>\\0' ${shellCommand(weird)}`]);
    assert.deepEqual(stdout.split('\0').slice(0, -1).map((framed) => framed.slice(1, -1)), weird);
  });
});
