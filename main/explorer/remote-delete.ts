import { remoteChild, SftpError, type SftpSession } from '../sftp';

/** Requests in flight while deleting a tree (one SFTP channel; sftp-server answers in order). */
const DELETES_IN_FLIGHT = 32;

export interface DeleteOutcome {
  readonly removed: number;
  readonly failed: readonly { readonly path: string; readonly message: string; readonly error: unknown }[];
}

/**
 * Deletes a server entry with everything inside, deepest first. Everything is looked at with
 * lstat (READDIR attributes are lstat on OpenSSH): a link is unlinked, and what it points at is
 * never entered or touched. A failure does not stop the rest; the folders above a failed entry
 * stay (they are not empty), and the outcome lists what failed.
 */
export async function deleteRemoteTree(session: SftpSession, target: string): Promise<DeleteOutcome> {
  const slots = new Limiter(DELETES_IN_FLIGHT);
  const failed: { path: string; message: string; error: unknown }[] = [];
  let removed = 0;
  const attempt = async (remotePath: string, work: () => Promise<void>): Promise<boolean> => {
    try {
      await slots.run(work);
      removed += 1;
      return true;
    } catch (error) {
      if (error instanceof SftpError && error.kind === 'no-such-file') return true; // gone already
      failed.push({ path: remotePath, message: error instanceof Error ? error.message : String(error), error });
      return false;
    }
  };
  const removeDir = async (dir: string): Promise<boolean> => {
    let listing: Awaited<ReturnType<SftpSession['readdirLimited']>>;
    try {
      listing = await slots.run(() => session.readdirLimited(dir, Number.POSITIVE_INFINITY));
    } catch (error) {
      failed.push({ path: dir, message: error instanceof Error ? error.message : String(error), error });
      return false;
    }
    const results = await Promise.all(
      listing.entries.map((entry) => {
        const child = remoteChild(dir, entry.filename);
        return entry.attrs.isDirectory() ? removeDir(child) : attempt(child, () => session.unlink(child));
      }),
    );
    if (results.includes(false)) return false; // not empty: its own rmdir would only fail too
    return attempt(dir, () => session.rmdir(dir));
  };
  const stats = await session.lstat(target);
  if (stats.isDirectory()) await removeDir(target);
  else await attempt(target, () => session.unlink(target));
  return { removed, failed };
}

/** At most `max` of the started jobs run at once; the rest wait in order. */
class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
