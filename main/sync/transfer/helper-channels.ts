/**
 * Extra SFTP channels opened for the length of one push, so its big files' WRITEs can spread
 * over several flow-control windows (write-lanes.ts). Opened in parallel with the push (one
 * round trip; on servers that run sftp-server as a subsystem, also a process start per channel)
 * and closed when it ends. A channel the server refuses (MaxSessions) is simply not used.
 */
import type { Client, SFTPWrapper } from 'ssh2';
import { openSftp } from '../../ssh';
import { sftpSession, type SftpSession } from '../../sftp';
import { HELPER_CHANNELS } from './push-strategy';

export class HelperChannels {
  readonly sessions: Promise<readonly SftpSession[]>;
  private readonly opened: SFTPWrapper[] = [];
  private closed = false;

  constructor(client: Client, host: string, count = HELPER_CHANNELS) {
    const openOne = async (): Promise<SftpSession | undefined> => {
      const sftp = await openSftp(client).catch(() => undefined); // refused, or the connection is gone
      if (!sftp) return undefined;
      if (this.closed) {
        sftp.end();
        return undefined;
      }
      this.opened.push(sftp);
      return sftpSession(sftp, host);
    };
    this.sessions = Promise.all(Array.from({ length: count }, openOne)).then((sessions) => sessions.filter((session) => session !== undefined));
  }

  close(): void {
    this.closed = true;
    for (const sftp of this.opened.splice(0)) sftp.end();
  }
}
