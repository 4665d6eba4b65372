import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import {
  channelIsOpen,
  channelWindowInUse,
  clientProtocol,
  coalesceChannelData,
  connectionSocket,
  hasExtension,
  serverLimits,
  type ChannelLike,
} from '../../main/sftp/ssh2-internals';
import type { SshdServer } from '../fixtures/sshd';
import { openSftp, startSftpFixture, stopSftpFixture } from '../bench/ssh-connect';

const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * The engine reads and patches a few private fields of ssh2 (ssh2-internals.ts). Each accessor
 * falls back quietly when a field is missing, so an ssh2 upgrade that renames one would not fail
 * any other test: pushes would just get slower or lose their backlog gate. This suite fails
 * loudly instead: against a real OpenSSH server every accessor must find what it looks for.
 */
describe('ssh2 internals the engine relies on', { timeout: 60_000 }, () => {
  let server: SshdServer;
  let client: Client;
  let sftp: SFTPWrapper;

  before(async () => {
    ({ server, client, sftp } = await startSftpFixture());
  });

  after(async () => {
    await stopSftpFixture({ server, client, sftp });
  });

  it('ssh2 is pinned to the exact version these internals were checked against', () => {
    const pinned = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.ssh2;
    const installed = (JSON.parse(readFileSync(path.join(REPO, 'node_modules/ssh2/package.json'), 'utf8')) as { version: string }).version;
    assert.match(pinned ?? '', /^\d+\.\d+\.\d+$/, 'ssh2 must be an exact version in package.json (no ^ or ~)');
    assert.equal(installed, pinned);
  });

  it('the server limits (limits@openssh.com) and extensions are read from the channel, not the fallbacks', () => {
    const limits = serverLimits(sftp);
    assert.equal(limits.isOpenSSH, true, '_isOpenSSH');
    assert.ok(limits.maxWriteLen > 32 * 1024, `_maxWriteLen: got ${limits.maxWriteLen}, the 32 KiB fallback`);
    assert.ok(limits.maxReadLen > 32 * 1024, `_maxReadLen: got ${limits.maxReadLen}, the 32 KiB fallback`);
    assert.equal(hasExtension(sftp, 'posix-rename@openssh.com'), true, '_extensions');
    assert.equal(hasExtension(sftp, 'no-such-extension@example.com'), false);
  });

  it('the channel state, the socket and the protocol handlers are where the accessors look', () => {
    assert.equal(channelIsOpen(sftp), true, 'readable / outgoing.state / incoming.state');
    const socket = connectionSocket(sftp);
    assert.ok(socket, '_client._sock with cork/uncork');
    const protocol = clientProtocol(client);
    assert.equal(typeof protocol?._handlers?.CHANNEL_WINDOW_ADJUST, 'function', '_protocol._handlers.CHANNEL_WINDOW_ADJUST');
  });

  it('request coalescing wraps the protocol, keeps working, and unwraps', async () => {
    const channel = await openSftp(client);
    const protocol = (client as unknown as { _protocol: { channelData: unknown } })._protocol;
    const before = protocol.channelData;
    const stop = coalesceChannelData(channel);
    assert.notEqual(protocol.channelData, before, 'coalesceChannelData did not find _protocol.channelData / outgoing.id / packetSize');
    // Requests still get answers through the wrapper.
    const listing = await new Promise<unknown[]>((resolve, reject) => channel.readdir('/', (error, list) => (error ? reject(error) : resolve(list))));
    assert.ok(listing.length >= 0);
    stop();
    assert.equal(protocol.channelData, before);
    channel.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(channelIsOpen(channel), false, 'a closed channel must read as closed');
  });

  it('the window in use of an exec channel is tracked through WINDOW_ADJUST', async () => {
    const channel = await new Promise<ClientChannel>((resolve, reject) => client.exec('cat > /dev/null', (error, stream) => (error ? reject(error) : resolve(stream))));
    let adjusts = 0;
    const window = channelWindowInUse(channel as unknown as ChannelLike, clientProtocol(client), () => adjusts++);
    assert.ok(window, 'channel.incoming.id / outgoing.window');
    channel.write(Buffer.alloc(1024 * 1024));
    const deadline = Date.now() + 10_000;
    while (adjusts === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(adjusts > 0, 'no WINDOW_ADJUST seen for 1 MiB sent');
    window.stop();
    channel.end();
  });
});
