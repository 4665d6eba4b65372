import { stat } from 'node:fs/promises';
import path from 'node:path';
import { EventBus } from '../common';
import { JournalService } from '../journal';

/**
 * `labdesk journal LOCAL_DIR search QUERY`: the journal search of the window, in a terminal.
 * One line per hit (title, path, the line around the match), or with --json one object per line:
 * {"path","title","score","snippet"}. Exit 1 when nothing matches, as grep does.
 */
export async function runJournalSearch(localDir: string, query: string, options: { json: boolean; tag?: string }): Promise<number> {
  const root = path.resolve(localDir);
  const info = await stat(root).catch(() => null);
  if (!info?.isDirectory()) {
    process.stderr.write(`labdesk: ${localDir} is not a folder\n`);
    return 2;
  }
  const journal = new JournalService(new EventBus());
  await journal.setRoot(root);
  const hits = await journal.search(query, options.tag);
  const entries = new Map((await journal.list()).map((entry) => [entry.path, entry]));
  for (const hit of hits) {
    const entry = entries.get(hit.path);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ path: hit.path, title: hit.title, score: Number(hit.score.toFixed(3)), created: entry?.created ?? '', tags: entry?.tags ?? [], runs: entry?.runs ?? [], snippet: hit.snippet })}\n`);
    } else {
      process.stdout.write(`${hit.title}  (${hit.path})\n    ${hit.snippet}\n`);
    }
  }
  for (const entry of entries.values()) if (entry.error) process.stderr.write(`labdesk: ${entry.path}:${entry.error.line}: ${entry.error.message} (its body is still searched)\n`);
  return hits.length > 0 ? 0 : 1;
}
