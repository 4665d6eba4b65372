/**
 * A minimal POSIX tar (ustar + pax extended headers) writer for tar-push.ts: regular files and
 * folders, which is all a first push streams. Names that fit ustar's name/prefix fields are
 * stored there as raw UTF-8 bytes (GNU tar, bsdtar and busybox extract them byte-for-byte,
 * whatever the server's locale); longer names, sizes ≥ 8 GiB and out-of-range times go in a pax 'x' header
 * (UTF-8 by definition; GNU tar 1.34 keeps the bytes even under LANG=C, checked in the tests).
 * No `hdrcharset` record: GNU tar 1.34 warns "unknown extended header keyword" for it.
 */

export const BLOCK = 512;

export interface TarFileHeader {
  /** Relative POSIX path inside the archive. */
  readonly path: string;
  /** 0 for a folder. */
  readonly size: number;
  /** Permission bits. */
  readonly mode: number;
  /** Whole seconds since the epoch. */
  readonly mtime: number;
  /** A regular file (default), or a folder (so an empty one is created, and with its own mode). */
  readonly kind?: 'file' | 'dir';
}

const USTAR_MAX_OCTAL_11 = 0o77777777777; // 8 GiB - 1, and mtimes up to year 2242

/** The bytes before a file's content: [pax header + its records] + ustar header. */
export function tarHeader(file: TarFileHeader): Buffer {
  const isDir = file.kind === 'dir';
  const name = Buffer.from(isDir ? `${file.path.replace(/\/+$/, '')}/` : file.path, 'utf8');
  const split = splitUstarName(name);
  const pax: Array<[string, Buffer]> = [];
  if (!split) pax.push(['path', name]);
  if (file.size > USTAR_MAX_OCTAL_11) pax.push(['size', Buffer.from(String(file.size))]);
  const mtimeFits = Number.isInteger(file.mtime) && file.mtime >= 0 && file.mtime <= USTAR_MAX_OCTAL_11;
  if (!mtimeFits) pax.push(['mtime', Buffer.from(String(Math.trunc(file.mtime)))]);

  const ustar = ustarHeader({
    name: split?.name ?? truncateBytes(name, 100),
    prefix: split?.prefix ?? Buffer.alloc(0),
    mode: file.mode & 0o7777,
    size: isDir || file.size > USTAR_MAX_OCTAL_11 ? 0 : file.size,
    mtime: mtimeFits ? file.mtime : 0,
    type: isDir ? '5' : '0',
  });
  if (pax.length === 0) return ustar;

  const records = Buffer.concat(pax.map(([key, value]) => paxRecord(key, value)));
  const paxHeader = ustarHeader({
    name: truncateBytes(Buffer.from(`PaxHeaders/${lastSegment(file.path)}`, 'utf8'), 100),
    prefix: Buffer.alloc(0),
    mode: 0o644,
    size: records.length,
    mtime: mtimeFits ? file.mtime : 0,
    type: 'x',
  });
  return Buffer.concat([paxHeader, records, Buffer.alloc(padding(records.length)), ustar]);
}

/** Zero bytes that pad `size` bytes of content to a whole block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Two zero blocks end an archive. */
export function tarTrailer(): Buffer {
  return Buffer.alloc(BLOCK * 2);
}

function lastSegment(p: string): string {
  const parts = p.split('/');
  return parts[parts.length - 1] ?? p;
}

/** ustar: name ≤ 100 bytes, or prefix ≤ 155 bytes + '/' + name ≤ 100 bytes. */
function splitUstarName(name: Buffer): { name: Buffer; prefix: Buffer } | null {
  if (name.length <= 100) return { name, prefix: Buffer.alloc(0) };
  // Split at a '/' so that both halves fit, preferring the longest prefix.
  for (let i = Math.min(name.length - 2, 155); i > 0; i--) {
    if (name[i] !== 0x2f) continue;
    const rest = name.length - i - 1;
    if (rest > 100) return null;
    if (rest > 0) return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
  }
  return null;
}

function truncateBytes(bytes: Buffer, max: number): Buffer {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Don't cut a UTF-8 sequence in half (continuation bytes are 10xxxxxx).
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** "<length> <key>=<value>\n", where <length> counts the whole record including its own digits. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.byteLength(key) + 1 + value.length + 1 + 1; // key '=' value '\n' plus the space
  let length = body + String(body).length;
  if (String(length).length !== String(body).length) length = body + String(length).length;
  return Buffer.concat([Buffer.from(`${length} ${key}=`), value, Buffer.from('\n')]);
}

interface UstarFields {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  size: number;
  mtime: number;
  type: '0' | '5' | 'x';
}

function ustarHeader(fields: UstarFields): Buffer {
  const header = Buffer.alloc(BLOCK);
  fields.name.copy(header, 0, 0, Math.min(fields.name.length, 100));
  writeOctal(header, 100, 8, fields.mode);
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, fields.size);
  writeOctal(header, 136, 12, fields.mtime);
  header.fill(0x20, 148, 156); // checksum is computed with its field as spaces
  header.write(fields.type, 156, 'latin1');
  header.write('ustar\u000000', 257, 'latin1');
  fields.prefix.copy(header, 345, 0, Math.min(fields.prefix.length, 155));
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\u0000 ', 148, 'latin1');
  return header;
}

/** Zero-padded octal digits, then a NUL, filling `width` bytes. */
function writeOctal(header: Buffer, offset: number, width: number, value: number): void {
  header.write(Math.trunc(value).toString(8).padStart(width - 1, '0') + '\u0000', offset, 'latin1');
}
