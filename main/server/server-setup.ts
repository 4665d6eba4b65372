import type { ServerSetupReport } from '../../preload/api';
import type { RemoteExec } from '../runs';
import { shellQuote } from '../ssh';
import { DATA_FOLDERS } from '../workspace';

/**
 * "Set up server", in one exec: for each of model/, data/ and output/, the folder is made under
 * the data disk folder when missing, and linked into the remote root when nothing is there yet.
 * Nothing that exists is replaced: a folder, a file or a link already in the remote root (or a
 * file where the data folder should be) is reported with what it is, and left. The output is one
 * tab-separated line per fact, parsed below.
 */
export function setupCommand(remoteRoot: string, dataRoot: string): string {
  const lines = [`mkdir -p ${shellQuote(remoteRoot)} || { printf 'error\\t%s\\t%s\\n' ${shellQuote(remoteRoot)} 'cannot make the remote folder'; exit 0; }`];
  for (const name of DATA_FOLDERS) {
    const source = shellQuote(`${dataRoot}/${name}`);
    const link = shellQuote(`${remoteRoot}/${name}`);
    lines.push(
      `s=${source}; l=${link}`,
      `if [ -L "$s" ] || [ -e "$s" ]; then [ -d "$s" ] || printf 'found\\t%s\\t%s\\n' "$s" 'not a folder'; else if err=$(mkdir -p "$s" 2>&1); then printf 'created\\t%s\\n' "$s"; else printf 'error\\t%s\\t%s\\n' "$s" "$err"; fi; fi`,
      `if [ -L "$l" ]; then printf 'found\\t%s\\t%s\\n' "$l" "a link to $(readlink "$l")"; elif [ -d "$l" ]; then printf 'found\\t%s\\t%s\\n' "$l" 'a folder'; elif [ -e "$l" ]; then printf 'found\\t%s\\t%s\\n' "$l" 'a file'; elif err=$(ln -s "$s" "$l" 2>&1); then printf 'linked\\t%s\\t%s\\n' "$l" "$s"; else printf 'error\\t%s\\t%s\\n' "$l" "$err"; fi`,
    );
  }
  return lines.join('\n');
}

export async function setUpServer(exec: RemoteExec, target: string, remoteRoot: string, dataRoot: string): Promise<ServerSetupReport> {
  const result = await exec(setupCommand(remoteRoot, dataRoot));
  const report = { target, created: [] as string[], linked: [] as Array<{ link: string; to: string }>, found: [] as Array<{ path: string; what: string }>, errors: [] as Array<{ path: string; message: string }> };
  for (const line of result.stdout.toString('utf8').split('\n')) {
    const [kind, path = '', detail = ''] = line.split('\t');
    if (kind === 'created') report.created.push(path);
    else if (kind === 'linked') report.linked.push({ link: path, to: detail });
    else if (kind === 'found') report.found.push({ path, what: detail });
    else if (kind === 'error') report.errors.push({ path, message: detail.trim() });
  }
  if (result.code !== 0 && report.errors.length === 0) report.errors.push({ path: remoteRoot, message: result.stderr.trim() || `the set-up ended with exit code ${result.code}` });
  return report;
}
