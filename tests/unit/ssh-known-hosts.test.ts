// known_hosts parsing and host matching, with real keys from ssh-keygen and hashed lines produced
// by `ssh-keygen -H` itself, so the HMAC and the `[host]:port` convention are checked against
// OpenSSH rather than against our own reading of the man page.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { matchPattern, matchPatternList } from '../../main/ssh/host-pattern';
import {
  findHostKeys,
  findHostKeysByName,
  formatKnownHostLine,
  knownHostsName,
  lookupName,
  parseKnownHosts,
  type KnownHostLine,
} from '../../main/ssh/known-hosts';
import { TempDirs } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

/** "type base64" of a freshly generated key. */
async function generateKey(dir: string, name: string, type: string): Promise<string> {
  const keyPath = path.join(dir, name);
  await execFileAsync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', keyPath]);
  const [keyType, base64] = (await readFile(`${keyPath}.pub`, 'utf8')).trim().split(' ');
  return `${keyType} ${base64}`;
}

const lineNumbers = (lines: readonly KnownHostLine[]) => lines.map((line) => line.line);

describe('host patterns (OpenSSH match.c)', () => {
  const cases: [text: string, pattern: string, expected: boolean][] = [
    ['gpu1', 'gpu1', true],
    ['gpu1', 'gpu2', false],
    ['gpu1', 'gpu*', true],
    ['gpu', 'gpu*', true],
    ['gpu1', 'gpu?', true],
    ['gpu', 'gpu?', false], // `?` is exactly one character (ssh-config's glob gets this wrong)
    ['gpu12', 'gpu?', false],
    ['a.b.c', '*.c', true],
    ['c', '*.c', false],
    ['[h]:2222', '[h]:2222', true], // brackets are literal, not a character class
    ['h', '[h]', false],
    ['abcabcabd', '*abc*abd', true],
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '*a*a*a*a*a*a*a*a*c', false],
    ['', '*', true],
    ['', '?', false],
  ];
  for (const [text, pattern, expected] of cases) {
    it(`${JSON.stringify(pattern)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(text)}`, () => {
      assert.equal(matchPattern(text, pattern), expected);
    });
  }

  it('pattern lists: any positive match, but a matching negation wins; case-insensitive for hosts', () => {
    assert.equal(matchPatternList('x.lab', '*.lab,!bad.lab', true), 'match');
    assert.equal(matchPatternList('bad.lab', '*.lab,!bad.lab', true), 'negated');
    assert.equal(matchPatternList('BAD.LAB', '!bad.lab,*.lab', true), 'negated');
    assert.equal(matchPatternList('other', '*.lab,!bad.lab', true), 'none');
    assert.equal(matchPatternList('Alice', 'alice', false), 'none');
  });
});

describe('known_hosts', () => {
  const temp = new TempDirs();
  let dir: string;
  let keyA: string;
  let keyB: string;
  let keyC: string;

  before(async () => {
    dir = await temp.make('labdesk-known-hosts-');
    [keyA, keyB, keyC] = await Promise.all([
      generateKey(dir, 'a', 'ed25519'),
      generateKey(dir, 'b', 'ed25519'),
      generateKey(dir, 'c', 'ecdsa'),
    ]);
  });
  after(() => temp.cleanup());

  it('knownHostsName follows OpenSSH: plain for port 22, [host]:port otherwise, lowercased', () => {
    assert.equal(knownHostsName('Gpu1.Lab', 22), 'gpu1.lab');
    assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
    assert.equal(knownHostsName('::1', 2200), '[::1]:2200');
    assert.equal(knownHostsName('::1', 22), '::1');
    assert.equal(lookupName('10.0.0.5', 2222, 'GPU-Alias'), 'gpu-alias', 'a HostKeyAlias is looked up without the port');
    assert.equal(lookupName('10.0.0.5', 2222, null), '[10.0.0.5]:2222');
  });

  describe('plain lines', () => {
    let text: string;
    before(() => {
      text = [
        '# a comment', //                                   1
        '', //                                              2
        `plain.example ${keyA}`, //                         3
        `a.example,b.example,10.0.0.1 ${keyA} a comment`, // 4
        `[port.example]:2222 ${keyC}`, //                   5
        `*.wild.example,!bad.wild.example ${keyA}`, //      6
        `gpu?.lab ${keyB}`, //                              7
        `@revoked revoked.example ${keyA}`, //              8
        `@cert-authority *.ca.example ${keyC}`, //          9
        `   \tindented.example ${keyB}   `, //             10
        `[::1]:2200 ${keyB}`, //                           11
      ].join('\n');
    });

    it('parses every line with its marker, names, type, key and comment', () => {
      const file = parseKnownHosts(text, 'kh');
      assert.deepEqual(file.malformed, []);
      assert.deepEqual(lineNumbers(file.lines), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
      const line4 = file.lines[1];
      assert.equal(line4?.source, 'kh');
      assert.deepEqual(line4?.names, { kind: 'patterns', patterns: 'a.example,b.example,10.0.0.1' });
      assert.equal(line4?.keyType, 'ssh-ed25519');
      assert.equal(line4?.keyBlob.toString('base64'), keyA.split(' ')[1]);
      assert.equal(line4?.comment, 'a comment');
      assert.deepEqual(file.lines.map((line) => line.marker), [null, null, null, null, null, 'revoked', 'cert-authority', null, null]);
    });

    const cases: [host: string, port: number, matches: number[], revoked?: number[], certAuthorities?: number[]][] = [
      ['plain.example', 22, [3]],
      ['PLAIN.Example', 22, [3]],
      ['plain.example', 2222, []],
      ['b.example', 22, [4]],
      ['10.0.0.1', 22, [4]],
      ['c.example', 22, []],
      ['port.example', 2222, [5]],
      ['port.example', 22, []],
      ['port.example', 2200, []],
      ['x.wild.example', 22, [6]],
      ['bad.wild.example', 22, []],
      ['wild.example', 22, []],
      ['x.wild.example', 2222, []],
      ['gpu1.lab', 22, [7]],
      ['gpu12.lab', 22, []],
      ['gpu.lab', 22, []],
      ['revoked.example', 22, [], [8]],
      ['host.ca.example', 22, [], [], [9]],
      ['indented.example', 22, [10]],
      ['::1', 2200, [11]],
      ['::1', 22, []],
    ];
    for (const [host, port, matches, revoked = [], certAuthorities = []] of cases) {
      it(`${host} port ${port} → lines [${matches.join(', ')}]${revoked.length ? ` revoked [${revoked.join(', ')}]` : ''}${certAuthorities.length ? ` CA [${certAuthorities.join(', ')}]` : ''}`, () => {
        const found = findHostKeys(parseKnownHosts(text, 'kh').lines, host, port);
        assert.deepEqual(lineNumbers(found.matches), matches);
        assert.deepEqual(lineNumbers(found.revoked), revoked);
        assert.deepEqual(lineNumbers(found.certAuthorities), certAuthorities);
      });
    }

    it('reads CRLF files the same way', () => {
      const crlf = parseKnownHosts(text.replaceAll('\n', '\r\n'), 'kh');
      assert.deepEqual(lineNumbers(crlf.lines), [3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.deepEqual(lineNumbers(findHostKeys(crlf.lines, 'port.example', 2222).matches), [5]);
    });
  });

  it('hashed lines written by `ssh-keygen -H` match the same names as the plain file did', async () => {
    const file = path.join(dir, 'hashed_known_hosts');
    const plain = [
      `plain.example ${keyA}`,
      `a.example,b.example ${keyB}`, // ssh-keygen -H writes one hashed line per name
      `[port.example]:2222 ${keyC}`,
      `[::1]:2200 ${keyB}`,
    ];
    await writeFile(file, plain.join('\n') + '\n');
    await execFileAsync('ssh-keygen', ['-H', '-f', file]);
    const hashedText = await readFile(file, 'utf8');
    assert.doesNotMatch(hashedText, /example/, 'ssh-keygen -H left a host name in clear');

    const parsed = parseKnownHosts(hashedText, file);
    assert.deepEqual(parsed.malformed, []);
    assert.equal(parsed.lines.length, 5);
    assert.ok(parsed.lines.every((line) => line.names.kind === 'hashed'));

    const typeOf = (host: string, port: number) => findHostKeys(parsed.lines, host, port).matches.map((line) => line.keyBlob.toString('base64'));
    assert.deepEqual(typeOf('plain.example', 22), [keyA.split(' ')[1]]);
    assert.deepEqual(typeOf('PLAIN.EXAMPLE', 22), [keyA.split(' ')[1]]);
    assert.deepEqual(typeOf('a.example', 22), [keyB.split(' ')[1]]);
    assert.deepEqual(typeOf('b.example', 22), [keyB.split(' ')[1]]);
    assert.deepEqual(typeOf('port.example', 2222), [keyC.split(' ')[1]]);
    assert.deepEqual(typeOf('::1', 2200), [keyB.split(' ')[1]]);
    // The port is part of the hashed string: the same host on another port is a different name.
    assert.deepEqual(typeOf('port.example', 22), []);
    assert.deepEqual(typeOf('plain.example', 2222), []);
    assert.deepEqual(typeOf('c.example', 22), []);
  });

  it('a line that ssh-keygen -F finds is one we find, for a formatted line', async () => {
    const file = path.join(dir, 'formatted_known_hosts');
    const blob = Buffer.from(keyB.split(' ')[1] ?? '', 'base64');
    await writeFile(file, formatKnownHostLine(knownHostsName('Gpu7.Lab', 2201), blob) + '\n');
    const { stdout } = await execFileAsync('ssh-keygen', ['-F', '[gpu7.lab]:2201', '-f', file]);
    assert.match(stdout, /found: line 1/);
    const parsed = parseKnownHosts(await readFile(file, 'utf8'), file);
    assert.equal(findHostKeysByName(parsed.lines, '[gpu7.lab]:2201').matches.length, 1);
  });

  it('skips and reports malformed lines without losing the good ones around them', () => {
    const edBase64 = keyA.split(' ')[1] ?? '';
    const lines = [
      `good1.example ${keyA}`, //                                    1
      'onlyhost', //                                                  2
      'host ssh-ed25519', //                                          3
      'host ssh-ed25519 !!!not-base64!!!', //                         4
      `host ssh-rsa ${edBase64}`, //                                  5: type and key data disagree
      'host 2048 35 1234567890', //                                   6: SSH-1 RSA
      `@bogus host ${keyA}`, //                                       7
      `|2|abc|def ${keyA}`, //                                        8
      `|1|c2hvcnQ=|c2hvcnQ= ${keyA}`, //                              9: salt and hash too short
      'host ssh-ed25519 QUJD', //                                     10: base64 of "ABC"
      `@revoked ${keyA}`, //                                          11: marker but no host
      `good2.example ${keyB}`, //                                     12
    ];
    const parsed = parseKnownHosts(lines.join('\n'), 'messy');
    assert.deepEqual(lineNumbers(parsed.lines), [1, 12]);
    assert.deepEqual(parsed.malformed.map((entry) => entry.line), [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.ok(parsed.malformed.every((entry) => entry.source === 'messy' && entry.reason.length > 0));
    assert.match(parsed.malformed[3]?.reason ?? '', /ssh-ed25519.*ssh-rsa/);
    assert.match(parsed.malformed[5]?.reason ?? '', /unknown marker @bogus/);
  });
});
