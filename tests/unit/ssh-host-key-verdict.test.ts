// The wording of host key verdicts: what a person reads when Labdesk refuses a server.
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeVerdict, displayPath, type HostKeyVerdict } from '../../main/ssh/host-key-check';

const GOT = 'SHA256:gotgotgotgotgotgotgotgotgotgotgotgotgotgot';
const OLD = 'SHA256:oldoldoldoldoldoldoldoldoldoldoldoldoldold';
const OLD2 = 'SHA256:old2old2old2old2old2old2old2old2old2old2ol';
const USER_FILE = path.join(os.homedir(), '.ssh', 'known_hosts');

function changed(expected: { fingerprint: string; keyType?: string; source: string; line: number }[], lookupName = '[127.0.0.1]:2222'): HostKeyVerdict {
  return {
    status: 'changed',
    fingerprint: GOT,
    keyType: 'ssh-ed25519',
    lookupName,
    notes: [],
    expected: expected.map((ref) => ({ keyType: 'ssh-ed25519', inTrustStore: false, ...ref })),
  };
}

describe('describeVerdict', () => {
  it('a changed key in ~/.ssh/known_hosts: both fingerprints and the plain ssh-keygen -R command', () => {
    const message = describeVerdict(changed([{ fingerprint: OLD, source: USER_FILE, line: 3 }]), '127.0.0.1', 2222, 'gpu1');
    assert.equal(
      message,
      `The host key of gpu1 (127.0.0.1:2222) has CHANGED. Expected ${OLD} (~/.ssh/known_hosts line 3), got ${GOT}. ` +
        'This can mean someone is intercepting the connection. If the server was reinstalled, remove the old key with ' +
        "`ssh-keygen -R '[127.0.0.1]:2222'` and connect again.",
    );
  });

  it('names every file that holds an old key, with -f for files other than ~/.ssh/known_hosts (quoted when needed)', () => {
    const store = '/home/jo/Labdesk config/known_hosts';
    const message = describeVerdict(
      changed([
        { fingerprint: OLD, source: USER_FILE, line: 3 },
        { fingerprint: OLD2, source: store, line: 2 },
      ]),
      '127.0.0.1',
      2222,
    );
    assert.match(message, /^The host key of 127\.0\.0\.1:2222 has CHANGED\./);
    assert.ok(message.includes(`Expected ${OLD} (~/.ssh/known_hosts line 3) or ${OLD2} (${store} line 2), got ${GOT}.`), message);
    assert.ok(message.includes(`\`ssh-keygen -R '[127.0.0.1]:2222'\` and \`ssh-keygen -R '[127.0.0.1]:2222' -f '${store}'\``), message);
  });

  it('shows IPv6 addresses in brackets and port-22 names unquoted', () => {
    const message = describeVerdict(changed([{ fingerprint: OLD, source: '/etc/ssh/ssh_known_hosts', line: 1 }], 'gpu1.lab'), 'fe80::1', 22);
    assert.match(message, /^The host key of \[fe80::1\]:22 has CHANGED/);
    assert.ok(message.includes('`ssh-keygen -R gpu1.lab -f /etc/ssh/ssh_known_hosts`'), message);
  });

  it('appends notes to refusals', () => {
    const verdict: HostKeyVerdict = { status: 'unknown', fingerprint: GOT, keyType: 'ecdsa-sha2-nistp256', lookupName: 'h', notes: ['Could not read /x (permission denied); keys in it were not considered.'] };
    const message = describeVerdict(verdict, 'h', 22);
    assert.match(message, /^h:22 is not a known host\. Its ecdsa-sha2-nistp256 host key has the fingerprint SHA256:/);
    assert.match(message, /ssh_host_ecdsa_key\.pub/);
    assert.match(message, /\(Could not read \/x \(permission denied\); keys in it were not considered\.\)$/);
  });

  it('displayPath shortens the home folder to ~ only at a path boundary', () => {
    assert.equal(displayPath(USER_FILE), '~/.ssh/known_hosts');
    assert.equal(displayPath(`${os.homedir()}x/file`), `${os.homedir()}x/file`);
    assert.equal(displayPath('/etc/ssh/ssh_known_hosts'), '/etc/ssh/ssh_known_hosts');
  });
});
