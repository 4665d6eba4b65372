// resolveSshHost against the real OpenSSH client (`ssh -G`) and the same config files through the
// fallback, which must agree with OpenSSH wherever both apply. Each test passes its own config
// with -F (configFile) so the person's ~/.ssh/config never leaks in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiError } from '../../main/common/errors';
import { parseSshGOutput, resolveJumpHop, resolveSshHost, splitPathList, type ResolvedHost, type ResolveSshHostOptions } from '../../main/ssh/ssh-config';
import { TempDirs, writeTree } from '../fixtures/temp-project';

const SSH_AVAILABLE = spawnSync('ssh', ['-V']).error === undefined;
const NO_SSH = '/nonexistent/ssh';
// ssh expands `~` from the account (passwd), not $HOME; the fallback defaults to the same.
const HOME = os.userInfo().homedir;
const LOCAL_USER = os.userInfo().username;

function isBadArgument(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
    assert.equal(error.code, 'bad-argument');
    assert.match(error.message, pattern);
    return true;
  };
}

/** Both ways of resolving; the fallback is forced by a missing ssh binary. */
const MODES: { name: string; options: ResolveSshHostOptions; source: ResolvedHost['source']; skip: string | false }[] = [
  { name: 'ssh -G', options: {}, source: 'ssh -G', skip: SSH_AVAILABLE ? false : 'no ssh client installed' },
  { name: 'fallback', options: { sshBinary: NO_SSH }, source: 'ssh-config', skip: false },
];

describe('resolveSshHost', () => {
  const temp = new TempDirs();
  let dir: string;
  let config: string;

  before(async () => {
    dir = await temp.make('labdesk-ssh-config-');
    config = path.join(dir, 'config');
    await writeTree(dir, {
      // Absolute Include paths: with -F, ssh resolves relative ones against the real ~/.ssh.
      'config': [
        '# Labdesk test config',
        `Include "${dir}/included.conf"`,
        'Host gpu-*',
        '  User researcher',
        '  IdentityFile ~/.ssh/gpu_key',
        '  ServerAliveInterval 1m',
        'Host gpu-1',
        '  HostName 127.0.0.1',
        '  Port 2222',
        '  ProxyJump bastion,user@other:2200',
        '  IdentityFile ~/.ssh/x',
        '  IdentityFile %d/.ssh/%r_at_%h',
        '  IdentityFile ${LABDESK_TEST_KEYS}/env_key',
        '  UserKnownHostsFile ~/.ssh/kh_lab %d/kh_%h_%p',
        '  IdentitiesOnly yes',
        '  HostKeyAlias GPU-One',
        'Match host 127.0.0.1',
        '  ConnectTimeout 7',
        '  StrictHostKeyChecking accept-new',
        'Host final-host',
        '  HostName final.example',
        'Match final host final.example',
        '  User finaluser',
        'Host bastion',
        '  HostName bastion.example',
        '  User jumper',
        '  Port 2022',
        'Host strict-off',
        '  StrictHostKeyChecking off',
        '  GlobalKnownHostsFile /etc/lab_known_hosts',
        '  ProxyCommand nc %h %p',
        'Host spaced',
        '  IdentityFile "/keys dir/id key"',
        '  UserKnownHostsFile "/kh dir/known hosts" ~/kh2',
        'Host *',
        '  ServerAliveCountMax 5',
        '',
      ].join('\n'),
      'included.conf': [
        // Read before "Host gpu-*": its User wins (first value wins).
        'Host gpu-2',
        '  HostName 10.0.0.2',
        '  User override',
        '  ProxyJump none',
        'Host inc-only',
        '  Port 2345',
        '',
      ].join('\n'),
    });
  });
  after(() => temp.cleanup());

  const env = { ...process.env, LABDESK_TEST_KEYS: '/labdesk-keys' };

  for (const mode of MODES) {
    describe(mode.name, { skip: mode.skip }, () => {
      const resolve = (alias: string) => resolveSshHost(alias, { ...mode.options, configFile: config, env });

      it('resolves Host patterns, Match host, ProxyJump, IdentityFile tokens, known hosts files', async () => {
        assert.deepEqual(await resolve('gpu-1'), {
          alias: 'gpu-1',
          hostname: '127.0.0.1',
          port: 2222,
          user: 'researcher',
          identityFiles: [
            path.join(HOME, '.ssh/gpu_key'),
            path.join(HOME, '.ssh/x'),
            path.join(HOME, '.ssh/researcher_at_127.0.0.1'),
            '/labdesk-keys/env_key',
          ],
          identitiesOnly: true,
          proxyJump: ['bastion', 'user@other:2200'],
          proxyCommand: null,
          userKnownHostsFiles: [path.join(HOME, '.ssh/kh_lab'), path.join(HOME, 'kh_127.0.0.1_2222')],
          globalKnownHostsFiles: ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
          strictHostKeyChecking: 'accept-new',
          hostKeyAlias: 'gpu-one',
          serverAliveInterval: 60,
          serverAliveCountMax: 5,
          connectTimeout: 7,
          source: mode.source,
        });
      });

      it('takes values from an included file first, and ProxyJump none means no jump', async () => {
        const host = await resolve('gpu-2');
        assert.equal(host.hostname, '10.0.0.2');
        assert.equal(host.user, 'override');
        assert.equal(host.port, 22);
        assert.deepEqual(host.proxyJump, []);
        assert.deepEqual(host.identityFiles, [path.join(HOME, '.ssh/gpu_key')]);
        assert.equal(host.strictHostKeyChecking, 'ask', 'Match host 127.0.0.1 must not apply to 10.0.0.2');
        assert.equal(host.connectTimeout, null);
        assert.equal(host.hostKeyAlias, null);
        assert.equal((await resolve('inc-only')).port, 2345);
      });

      it('applies a Match final block in the final pass', async () => {
        const host = await resolve('final-host');
        assert.equal(host.hostname, 'final.example');
        assert.equal(host.user, 'finaluser');
      });

      it('maps StrictHostKeyChecking off to "no", and reports GlobalKnownHostsFile and ProxyCommand', async () => {
        const host = await resolve('strict-off');
        assert.equal(host.strictHostKeyChecking, 'no');
        assert.deepEqual(host.globalKnownHostsFiles, ['/etc/lab_known_hosts']);
        assert.equal(host.proxyCommand, 'nc %h %p');
        assert.deepEqual(host.proxyJump, []);
      });

      it('keeps spaces inside quoted IdentityFile and UserKnownHostsFile paths', async () => {
        const host = await resolve('spaced');
        assert.deepEqual(host.identityFiles, ['/keys dir/id key']);
        assert.deepEqual(host.userKnownHostsFiles, ['/kh dir/known hosts', path.join(HOME, 'kh2')]);
      });

      it("fills in OpenSSH's defaults for a host the config doesn't name", async () => {
        const host = await resolve('Unlisted.Example');
        assert.equal(host.alias, 'Unlisted.Example');
        assert.equal(host.hostname, 'unlisted.example');
        assert.equal(host.port, 22);
        assert.equal(host.user, LOCAL_USER);
        assert.equal(host.identitiesOnly, false);
        // OpenSSH 9.2 also lists ~/.ssh/id_xmss; both lists start the same way.
        for (const name of ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa']) {
          assert.ok(host.identityFiles.includes(path.join(HOME, '.ssh', name)), `${name} in ${host.identityFiles.join(', ')}`);
        }
        assert.deepEqual(host.userKnownHostsFiles, [path.join(HOME, '.ssh/known_hosts'), path.join(HOME, '.ssh/known_hosts2')]);
        assert.deepEqual(host.globalKnownHostsFiles, ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
        assert.equal(host.strictHostKeyChecking, 'ask');
        assert.equal(host.serverAliveInterval, 0);
        assert.equal(host.serverAliveCountMax, 5);
        assert.equal(host.connectTimeout, null);
        assert.deepEqual(host.proxyJump, []);
      });

      it('resolves a jump hop through the config, with the user and port written in the hop winning', async () => {
        const bastion = await resolveJumpHop('bastion', { ...mode.options, configFile: config, env });
        assert.deepEqual([bastion.hostname, bastion.user, bastion.port], ['bastion.example', 'jumper', 2022]);
        const explicit = await resolveJumpHop('admin@bastion:2300', { ...mode.options, configFile: config, env });
        assert.deepEqual([explicit.hostname, explicit.user, explicit.port], ['bastion.example', 'admin', 2300]);
        const other = await resolveJumpHop('user@other:2200', { ...mode.options, configFile: config, env });
        assert.deepEqual([other.hostname, other.user, other.port], ['other', 'user', 2200]);
      });

      it('reports a missing config file as a bad argument', async () => {
        await assert.rejects(resolveSshHost('gpu-1', { ...mode.options, configFile: path.join(dir, 'missing') }), isBadArgument(/missing/));
      });
    });
  }

  it('gives the same answers through ssh -G and the fallback', { skip: MODES[0]?.skip ?? false }, async () => {
    for (const alias of ['gpu-1', 'gpu-2', 'final-host', 'bastion', 'inc-only', 'strict-off', 'spaced']) {
      const viaSsh = await resolveSshHost(alias, { configFile: config, env });
      const viaFallback = await resolveSshHost(alias, { configFile: config, env, sshBinary: NO_SSH });
      // OpenSSH 9.2's default identity list also has ~/.ssh/id_xmss (an experimental key type
      // that later versions dropped and ssh2 can't use); the fallback leaves it out.
      const withoutXmss = { ...viaSsh, identityFiles: viaSsh.identityFiles.filter((file) => !file.endsWith('id_xmss')) };
      assert.deepEqual({ ...viaFallback, source: 'ssh -G' }, withoutXmss, alias);
    }
  });

  it("turns ssh's syntax error into a bad-argument ApiError that names the alias and quotes ssh", { skip: MODES[0]?.skip ?? false }, async () => {
    const broken = path.join(dir, 'broken_config');
    await writeFile(broken, 'Host gpu-1\n  IdentityFile one two\n');
    await assert.rejects(
      resolveSshHost('gpu-1', { configFile: broken }),
      isBadArgument(/"gpu-1".*ssh says ".*line 2: keyword identityfile extra arguments at end of line/),
    );
  });

  it('refuses aliases that ssh would read as options or as user@host, before running anything', async () => {
    for (const alias of ['', '-oProxyCommand=touch /tmp/x', 'user@host', 'a b', 'ssh://host', 'a\nb']) {
      await assert.rejects(resolveSshHost(alias, { configFile: config }), isBadArgument(/is not a host name/), JSON.stringify(alias));
    }
  });
});

describe('ssh -G output', () => {
  it('splits path lists only where a new path starts, since ssh prints them unquoted', () => {
    assert.deepEqual(splitPathList('/a/kh /b/kh2'), ['/a/kh', '/b/kh2']);
    assert.deepEqual(splitPathList('/home/Jo Smith/.ssh/known_hosts /home/Jo Smith/.ssh/known_hosts2'), [
      '/home/Jo Smith/.ssh/known_hosts',
      '/home/Jo Smith/.ssh/known_hosts2',
    ]);
    assert.deepEqual(splitPathList('C:\\Users\\Jo Smith/.ssh/known_hosts ~/.ssh/kh %d/kh'), [
      'C:\\Users\\Jo Smith/.ssh/known_hosts',
      '~/.ssh/kh',
      '%d/kh',
    ]);
    assert.deepEqual(splitPathList('/a  b'), ['/a  b']);
  });

  it('parses key/value lines, lowercasing keys and keeping every IdentityFile line whole', () => {
    const values = parseSshGOutput('user bob\nPort 2222\nidentityfile /a b/key\nidentityfile ~/.ssh/id\r\nuserknownhostsfile /x /y\n\n');
    assert.deepEqual(Object.fromEntries(values), {
      user: ['bob'],
      port: ['2222'],
      identityfile: ['/a b/key', '~/.ssh/id'],
      userknownhostsfile: ['/x', '/y'],
    });
  });
});

describe('resolveSshHost fallback (no ssh client)', () => {
  const temp = new TempDirs();
  let home: string;
  const fallback = (alias: string, options: ResolveSshHostOptions = {}) =>
    resolveSshHost(alias, { sshBinary: NO_SSH, homeDir: home, ...options });

  before(async () => {
    home = await temp.make('labdesk-ssh-home-');
    await writeTree(home, {
      '.ssh/config': [
        // Relative Includes are relative to ~/.ssh in a user config; globs are sorted.
        'Include rel.conf conf.d/*.conf',
        'Host outer',
        '  Include nested.conf',
        '  HostName outer.example',
        'Host exec-host',
        '  HostName exec.example',
        'Match exec "true"',
        '  User from-exec',
        '',
      ].join('\n'),
      '.ssh/rel.conf': 'Host rel-host\n  Port 1001\n',
      '.ssh/conf.d/a.conf': 'Host glob-host\n  User from-a\n',
      '.ssh/conf.d/b.conf': 'Host glob-host\n  User from-b\n  Port 1002\n',
      '.ssh/conf.d/.hidden.conf': 'Host glob-host\n  Port 9999\n',
      // Included inside "Host outer": applies only to outer, and its own Host blocks nest.
      '.ssh/nested.conf': 'Port 1111\nHost outer\n  User nested-user\nHost elsewhere\n  User wrong\n',
      // Includes are read even inside inactive blocks (as OpenSSH does), so the loop has its own file.
      'loop_config': 'Host depth\n  Include loop.conf\n',
      '.ssh/loop.conf': 'Include loop.conf\n',
      'bad_quote': 'Host x\n  HostName "unterminated\n',
    });
  });
  after(() => temp.cleanup());

  it('reads ~/.ssh/config by default and expands relative and globbed Includes in sorted order', async () => {
    assert.equal((await fallback('rel-host')).port, 1001);
    const glob = await fallback('glob-host');
    assert.equal(glob.user, 'from-a', 'a.conf comes before b.conf');
    assert.equal(glob.port, 1002, '.hidden.conf is not matched by *.conf');
    assert.equal(glob.source, 'ssh-config');
  });

  it('applies an Include inside a Host block only to that host, and keeps the block active after it', async () => {
    const outer = await fallback('outer');
    assert.deepEqual([outer.port, outer.user, outer.hostname], [1111, 'nested-user', 'outer.example']);
    const other = await fallback('elsewhere');
    assert.equal(other.port, 22, 'nested.conf was included from an inactive block');
    assert.equal(other.user, LOCAL_USER);
  });

  it('expands ~ in the default paths with the given home folder', async () => {
    const host = await fallback('plain.example');
    assert.deepEqual(host.userKnownHostsFiles, [path.join(home, '.ssh/known_hosts'), path.join(home, '.ssh/known_hosts2')]);
    assert.equal(host.identityFiles[0], path.join(home, '.ssh/id_rsa'));
  });

  it('never runs Match exec commands', async () => {
    const host = await fallback('exec-host');
    assert.equal(host.hostname, 'exec.example');
    assert.equal(host.user, LOCAL_USER);
  });

  it('stops an Include loop with a clear error', async () => {
    await assert.rejects(fallback('depth', { configFile: path.join(home, 'loop_config') }), isBadArgument(/nested more than 16 deep/));
  });

  it('reports a file the parser rejects as a bad argument naming the file', async () => {
    await assert.rejects(fallback('x', { configFile: path.join(home, 'bad_quote') }), isBadArgument(/bad_quote/));
  });

  it('reports a bad Port like ssh does', async () => {
    const file = path.join(home, 'bad_port');
    await writeFile(file, 'Host x\n  Port abc\n');
    await assert.rejects(fallback('x', { configFile: file }), isBadArgument(/Bad port 'abc'/));
  });
});
