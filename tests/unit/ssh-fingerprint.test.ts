// Fingerprints must be byte-for-byte what OpenSSH shows, or people can't compare them with
// `ssh-keygen -l` output from their server; so every case is checked against ssh-keygen itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { keyTypeOf, sha256Fingerprint } from '../../main/ssh/fingerprint';
import { TempDirs } from '../fixtures/temp-project';

const execFileAsync = promisify(execFile);

const KEY_KINDS = [
  { args: ['-t', 'ed25519'], type: 'ssh-ed25519' },
  { args: ['-t', 'ecdsa', '-b', '384'], type: 'ecdsa-sha2-nistp384' },
  { args: ['-t', 'rsa', '-b', '2048'], type: 'ssh-rsa' },
];

describe('fingerprint', () => {
  const temp = new TempDirs();
  let dir: string;
  before(async () => {
    dir = await temp.make('labdesk-fingerprint-');
  });
  after(() => temp.cleanup());

  for (const kind of KEY_KINDS) {
    it(`matches ssh-keygen -l for a generated ${kind.type} key, and reads its type`, async () => {
      const keyPath = path.join(dir, kind.type);
      await execFileAsync('ssh-keygen', ['-q', ...kind.args, '-N', '', '-C', 'test', '-f', keyPath]);
      const publicLine = await readFile(`${keyPath}.pub`, 'utf8');
      const blob = Buffer.from(publicLine.split(' ')[1] ?? '', 'base64');
      // "256 SHA256:abc... test (ED25519)"
      const { stdout } = await execFileAsync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${keyPath}.pub`]);
      assert.equal(sha256Fingerprint(blob), stdout.split(' ')[1]);
      assert.equal(keyTypeOf(blob), kind.type);
    });
  }

  it('has no base64 padding (OpenSSH strips it)', () => {
    assert.doesNotMatch(sha256Fingerprint(Buffer.from('anything')), /=/);
    assert.match(sha256Fingerprint(Buffer.from('anything')), /^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('keyTypeOf returns null for data that is not a key blob', () => {
    assert.equal(keyTypeOf(Buffer.alloc(0)), null);
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0])), null);
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 20, 0x61])), null, 'length runs past the end');
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 0])), null, 'empty name');
    assert.equal(keyTypeOf(Buffer.from([0, 0, 0, 2, 0x0a, 0x61])), null, 'not printable');
    assert.equal(keyTypeOf(Buffer.from('not a key at all, just text')), null);
  });
});
