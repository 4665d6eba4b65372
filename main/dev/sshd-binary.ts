import { accessSync, constants as fsConstants } from 'node:fs';
import path from 'node:path';

/** Where Debian, Ubuntu, Fedora and macOS put OpenSSH's server. */
export const DEFAULT_SSHD_PATH = '/usr/sbin/sshd';

/**
 * The OpenSSH server to run: `LABDESK_SSHD` when set (tests point it at a missing file to see the
 * "not installed" path), else /usr/sbin/sshd, else `sshd` on PATH. Null when there is none.
 * An explicit LABDESK_SSHD is never second-guessed: if it is wrong, that is what the user hears.
 */
export function findSshd(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.LABDESK_SSHD) return isExecutable(env.LABDESK_SSHD) ? env.LABDESK_SSHD : null;
  if (isExecutable(DEFAULT_SSHD_PATH)) return DEFAULT_SSHD_PATH;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, process.platform === 'win32' ? 'sshd.exe' : 'sshd');
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

/** What to install to get `sshd`, in the words of each platform. */
export function sshdInstallHint(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'macOS has OpenSSH built in: turn on System Settings → General → Sharing → Remote Login (or check that /usr/sbin/sshd exists).';
    case 'win32':
      return 'Install the "OpenSSH Server" optional feature (Settings → System → Optional features, or `Add-WindowsCapability -Online -Name OpenSSH.Server~~~~0.0.1.0`).';
    default:
      return 'Install the OpenSSH server: `sudo apt install openssh-server` (Debian/Ubuntu), `sudo dnf install openssh-server` (Fedora), `sudo pacman -S openssh` (Arch).';
  }
}

export function sshdMissingMessage(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const where = env.LABDESK_SSHD ? `at ${env.LABDESK_SSHD} (LABDESK_SSHD)` : `at ${DEFAULT_SSHD_PATH} or on PATH`;
  return `OpenSSH server (sshd) not found ${where}. ${sshdInstallHint(platform)}`;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
