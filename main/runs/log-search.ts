import type { RunLogSearch } from '../../preload/api';
import { fail } from '../common';
import { shellQuote } from '../ssh';
import type { RemoteExec } from './tmux-launcher';

/** Matches returned at most; the rest is counted as "more". */
export const MAX_LOG_MATCHES = 500;
/** A matching line is cut to this many bytes (tqdm and friends write megabyte-long lines). */
const MAX_LINE_BYTES = 2_000;

/**
 * Searches a whole run log on the server with grep (a 1 GB log is never brought over): plain
 * text, case-insensitive for ASCII, binary bytes treated as text, at most MAX_LOG_MATCHES lines,
 * each with its line number and the byte offset where it starts, so the log view can open the
 * log there. One exec; a missing log has no matches.
 */
export async function searchRunLog(exec: RemoteExec, file: string, query: string): Promise<RunLogSearch> {
  if (query === '' || /[\r\n]/.test(query)) fail('bad-argument', 'Search for one line of text.', 'query');
  const grep = `LC_ALL=C grep -a -b -n -i -F -m ${MAX_LOG_MATCHES + 1} -e ${shellQuote(query)} -- ${shellQuote(file)}`;
  // grep's own status goes to stderr ("1": no match); cut keeps each line short.
  const result = await exec(`[ -f ${shellQuote(file)} ] || exit 0; { ${grep}; echo "labdesk-grep-status=$?" >&2; } | cut -b 1-${MAX_LINE_BYTES}`);
  const status = /labdesk-grep-status=(\d+)/.exec(result.stderr)?.[1];
  if (status !== undefined && status !== '0' && status !== '1') {
    fail('internal', `Searching the log on the server failed: ${result.stderr.replace(/labdesk-grep-status=\d+\s*/, '').trim() || `grep exited with ${status}`}`);
  }
  const matches = [];
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const found = /^(\d+):(\d+):(.*)$/s.exec(line);
    if (!found) continue;
    matches.push({ line: Number(found[1]), offset: Number(found[2]), text: (found[3] as string).replace(/\r$/, '') });
  }
  return { matches: matches.slice(0, MAX_LOG_MATCHES), more: matches.length > MAX_LOG_MATCHES };
}
