import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { readWholeFile } from '../local/local-reader';
import type { NewRemoteDir } from '../remote/remote-ops';
import type { FileState } from './tar-files';
import { padding, tarHeader, tarTrailer } from './transfer-tar';

/**
 * Files read ahead of the stream, refilled half at a time, so the reader thread gets its
 * requests in batches (local-reader.ts) rather than one per file the stream takes: topping up
 * one by one left the stream waiting for the archive's next chunk. Capped in bytes as well.
 */
const READ_AHEAD_FILES = 128;
const READ_AHEAD_BYTES = 32 * 1024 * 1024;
/** Files up to this size are read whole ahead of the stream; bigger ones are streamed in chunks. */
const READ_AHEAD_MAX_SIZE = 1024 * 1024;
const STREAM_CHUNK = 256 * 1024;

export interface ArchiveChunk {
  readonly data: Buffer;
  /** File content bytes in `data` (for progress). */
  readonly content: number;
}

interface LoadedFile {
  readonly file: FileState;
  readonly handle?: FileHandle;
  readonly data?: Buffer;
  /** sha256 of `data`, when the reader thread computed it. */
  readonly hash?: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: number;
}

/** Opens (and for small files reads) one file; failures mark the file and yield null. */
async function loadFile(file: FileState): Promise<LoadedFile | null> {
  const known = file.known;
  if (known && known.size <= READ_AHEAD_MAX_SIZE) {
    // The header is built from what was read, so a file that changed since the scan is still a
    // consistent entry (the caller compares stamps afterwards and sends it again if so).
    const read = await readWholeFile(file.localPath).catch((error: Error) => error);
    if (read instanceof Error) {
      file.failure ??= { code: 'failed', message: `Could not read ${file.localPath}: ${read.message}` };
      return null;
    }
    return { file, size: read.data.length, mode: known.mode & 0o777, mtime: Math.max(0, Math.floor(known.mtimeMs / 1000)), data: read.data, hash: read.hash };
  }
  let handle: FileHandle | undefined;
  try {
    handle = await open(file.localPath, 'r');
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('not a regular file');
    const common = { file, size: stats.size, mode: stats.mode & 0o777, mtime: Math.max(0, Math.floor(stats.mtimeMs / 1000)) };
    if (stats.size > READ_AHEAD_MAX_SIZE) return { ...common, handle };
    const data = Buffer.allocUnsafe(stats.size);
    let done = 0;
    while (done < stats.size) {
      const { bytesRead } = await handle.read(data, done, stats.size - done, done);
      if (bytesRead === 0) throw new Error('it got shorter while being read');
      done += bytesRead;
    }
    await handle.close();
    return { ...common, data };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    file.failure ??= { code: 'failed', message: `Could not read ${file.localPath}: ${(error as Error).message}` };
    return null;
  }
}

/** The archive as ~256 KiB chunks, small files read ahead in parallel. */
export async function* archiveChunks(
  files: FileState[],
  folders: readonly NewRemoteDir[],
  hash: boolean,
  gate?: { ready: Promise<boolean>; claim: (index: number) => boolean; onStreaming: (() => void) | undefined },
): AsyncGenerator<ArchiveChunk> {
  const loads: Array<Promise<LoadedFile | null>> = [];
  let started = 0;
  let bytesAhead = 0;
  const heldAhead = (file: FileState) => (file.size <= READ_AHEAD_MAX_SIZE ? file.size : 0);
  /** Starts files up to index `upTo` (exclusive) within the byte cap, and always up to `needed`. */
  const startMore = (upTo: number, needed: number) => {
    while (started < files.length && started < upTo && (started <= needed || bytesAhead < READ_AHEAD_BYTES)) {
      const file = files[started++] as FileState;
      bytesAhead += heldAhead(file);
      if (gate && !gate.claim(file.index)) {
        file.failure ??= { code: 'cancelled', message: `${file.remotePath} was left to another transfer.` };
        loads.push(Promise.resolve(null));
      } else {
        loads.push(loadFile(file));
      }
    }
  };
  if (gate) {
    // Claim nothing until tar is reading: the other transfer keeps every file until then.
    if (!(await gate.ready)) {
      yield { data: tarTrailer(), content: 0 };
      return;
    }
    gate.onStreaming?.();
  }
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let pendingContent = 0;
  const take = (): ArchiveChunk => {
    const chunk = { data: Buffer.concat(pending, pendingBytes), content: pendingContent };
    pending = [];
    pendingBytes = 0;
    pendingContent = 0;
    return chunk;
  };
  const add = (data: Buffer, content: number) => {
    pending.push(data);
    pendingBytes += data.length;
    pendingContent += content;
  };
  // Folders first (parents sort before their children), so each is made with its own mode.
  const now = Math.floor(Date.now() / 1000);
  for (const folder of folders) add(tarHeader({ path: folder.path, size: 0, mode: folder.mode & 0o7777, mtime: now, kind: 'dir' }), 0);

  for (let i = 0; i < files.length; i++) {
    if (started - i <= READ_AHEAD_FILES / 2) startMore(i + READ_AHEAD_FILES, i);
    const loaded = await (loads[i] as Promise<LoadedFile | null>);
    loads[i] = Promise.resolve(null); // let the buffer go
    bytesAhead -= heldAhead(files[i] as FileState);
    if (!loaded) continue;
    add(tarHeader({ path: loaded.file.rel, size: loaded.size, mode: loaded.mode, mtime: loaded.mtime }), 0);
    loaded.file.streamed = true;
    const digest = hash ? createHash('sha256') : undefined;
    if (loaded.data) {
      if (digest) loaded.file.hash = loaded.hash ?? digest.update(loaded.data).digest('hex');
      add(loaded.data, loaded.data.length);
      add(Buffer.alloc(padding(loaded.size)), 0);
      if (pendingBytes >= STREAM_CHUNK) yield take();
      continue;
    }
    // A big file: stream it in STREAM_CHUNK pieces. The header promised `size` bytes, so a file
    // that shrinks meanwhile is padded with zeros and marked failed (it is not moved in).
    const handle = loaded.handle as FileHandle;
    try {
      for (let position = 0; position < loaded.size; ) {
        if (pendingBytes > 0) yield take();
        const length = Math.min(STREAM_CHUNK, loaded.size - position);
        const buffer = Buffer.allocUnsafe(length);
        let bytesRead = 0;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, length, position));
        } catch (error) {
          loaded.file.failure ??= { code: 'failed', message: `Could not read ${loaded.file.localPath}: ${(error as Error).message}` };
        }
        if (bytesRead === 0) {
          loaded.file.failure ??= { code: 'failed', message: `${loaded.file.localPath} changed while it was being pushed; push it again.` };
          add(Buffer.alloc(loaded.size - position), 0);
          break;
        }
        const data = bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
        digest?.update(data);
        add(data, bytesRead);
        position += bytesRead;
      }
      if (digest && !loaded.file.failure) loaded.file.hash = digest.digest('hex');
      add(Buffer.alloc(padding(loaded.size)), 0);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
  add(tarTrailer(), 0);
  yield take();
}
