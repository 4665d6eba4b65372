import type { Person } from './commit-source';

export interface ParsedCommit {
  readonly parents: string[];
  readonly author: Person;
  readonly committer: Person;
  readonly message: string;
}

/**
 * Reads a raw commit object (for the isomorphic-git source, which otherwise decodes every message
 * as UTF-8): the header lines, then the message, decoded with the commit's own `encoding`
 * header when it has one, as `git log` does. Continuation lines (a signature) are skipped.
 */
export function parseCommitObject(bytes: Uint8Array): ParsedCommit {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = data.indexOf('\n\n');
  const header = data.subarray(0, end === -1 ? data.length : end).toString('utf8');
  const body = end === -1 ? Buffer.alloc(0) : data.subarray(end + 2);
  const parents: string[] = [];
  let author = '';
  let committer = '';
  let encoding = 'utf-8';
  for (const line of header.split('\n')) {
    if (line.startsWith(' ')) continue;
    const space = line.indexOf(' ');
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'parent') parents.push(value);
    else if (key === 'author') author = value;
    else if (key === 'committer') committer = value;
    else if (key === 'encoding') encoding = value.trim();
  }
  return { parents, author: person(author), committer: person(committer), message: decode(body, encoding) };
}

function decode(body: Buffer, encoding: string): string {
  try {
    return new TextDecoder(encoding).decode(body);
  } catch {
    return body.toString('utf8'); // an encoding this runtime does not know: as git does without iconv
  }
}

/** `Name <email> 1700000000 +0000` */
function person(value: string): Person {
  const match = /^(.*?) ?<([^>]*)> (\d+)/.exec(value);
  if (!match) return { name: value, email: '', time: 0 };
  return { name: match[1] ?? '', email: match[2] ?? '', time: Number(match[3]) };
}
