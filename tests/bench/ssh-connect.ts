// Connecting ssh2 to the sshd fixture with its host key pinned, for the transfer tests and the
// sync benchmark (both need the same few lines).

import { constants as fsConstants } from 'node:fs';
import { access, mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client, type SFTPWrapper } from 'ssh2';
import { tuneConnection } from '../../main/sftp/sftp-session';
import { sha256Fingerprint, startSshd, type SshdOptions, type SshdServer } from '../fixtures/sshd';

export interface ConnectOverrides {
  /** Connect here instead of the fixture's port (a latency proxy in front of it). */
  port?: number;
  /** Leave Nagle on (to show what tuneConnection buys). */
  noDelay?: boolean;
}

export function connectFixture(server: SshdServer, overrides: ConnectOverrides = {}): Promise<Client> {
  const client = new Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      client.end();
      reject(new Error(`${error.message}\n--- sshd log ---\n${server.log()}`, { cause: error }));
    };
    client.once('ready', () => {
      settled = true;
      if (overrides.noDelay !== false) tuneConnection(client);
      resolve(client);
    });
    // `on`: an error after 'ready' (a cut connection) must not become an uncaught exception.
    client.on('error', fail);
    client.once('close', () => fail(new Error('connection closed before it was ready')));
    client.connect({
      host: server.host,
      port: overrides.port ?? server.port,
      username: server.username,
      privateKey: server.clientPrivateKey,
      readyTimeout: 10_000,
      hostVerifier: (key: Buffer) => sha256Fingerprint(key) === server.hostKeySha256,
    });
  });
}

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

/** A fresh sshd fixture with one connection and its SFTP channel open (the transfer and engine tests' set-up). */
export interface SftpFixture {
  readonly server: SshdServer;
  readonly client: Client;
  readonly sftp: SFTPWrapper;
}

export async function startSftpFixture(options?: SshdOptions): Promise<SftpFixture> {
  const server = await startSshd(options);
  const client = await connectFixture(server);
  return { server, client, sftp: await openSftp(client) };
}

/** Ends what startSftpFixture started; safe when it never ran (sshd missing). */
export async function stopSftpFixture(fixture: Partial<SftpFixture> | undefined): Promise<void> {
  fixture?.client?.end();
  await fixture?.server?.stop();
}

/** Runs a command on the server; resolves with its exit code and output. */
export function execOn(client: Client, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      channel.on('exit', (exitCode: number | null) => (code = exitCode));
      channel.on('close', () => resolve({ code, stdout, stderr }));
      channel.end();
    });
  });
}

/** Temp folders in /dev/shm when it is writable (RAM: no disk writeback in the timings), else os.tmpdir(). */
export class ShmDirs {
  private readonly made: string[] = [];

  async make(prefix: string): Promise<string> {
    const base = await access('/dev/shm', fsConstants.W_OK).then(() => '/dev/shm', () => os.tmpdir());
    const dir = await realpath(await mkdtemp(path.join(base, prefix)));
    this.made.push(dir);
    return dir;
  }

  async cleanup(): Promise<void> {
    for (const dir of this.made.splice(0).reverse()) await rm(dir, { recursive: true, force: true });
  }
}
