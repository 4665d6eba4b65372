import { fail } from '../common';
import type { ProjectSettings, TargetSettings } from '../workspace';

export interface SyncTarget extends TargetSettings {
  /** The target's name: from project.json, or `user@host:port` for an ssh:// URL. */
  readonly name: string;
}

/**
 * The CLI's TARGET: a target name from `.labdesk/project.json`, or
 * `ssh://[user@]host[:port]/absolute/remote/dir` for a one-off sync without settings.
 */
export function parseTargetSpec(spec: string, project: ProjectSettings): SyncTarget {
  return parseTargetUrl(spec) ?? namedTarget(spec, project);
}

/** An `ssh://` TARGET as a target, or null for a name (which needs the project's settings). */
export function parseTargetUrl(spec: string): SyncTarget | null {
  if (spec.startsWith('ssh://')) {
    let url: URL;
    try {
      url = new URL(spec);
    } catch {
      fail('bad-argument', `"${spec}" is not a valid ssh:// address. Use ssh://[user@]host[:port]/absolute/remote/dir.`, 'target');
    }
    const remoteRoot = decodeURIComponent(url.pathname);
    if (!url.hostname || remoteRoot === '' || remoteRoot === '/') {
      fail('bad-argument', `"${spec}" needs a host and an absolute remote folder, e.g. ssh://ada@gpu1/home/ada/project.`, 'target');
    }
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const user = url.username ? decodeURIComponent(url.username) : undefined;
    const port = url.port ? Number(url.port) : undefined;
    return {
      name: `${user ? `${user}@` : ''}${host}${port ? `_${port}` : ''}`,
      host,
      remoteRoot: remoteRoot.length > 1 ? remoteRoot.replace(/\/+$/, '') : remoteRoot,
      ...(user !== undefined && { user }),
      ...(port !== undefined && { port }),
    };
  }
  return null;
}

function namedTarget(spec: string, project: ProjectSettings): SyncTarget {
  const target = project.targets[spec];
  if (!target) {
    const names = Object.keys(project.targets);
    const known = names.length > 0 ? `Known targets: ${names.join(', ')}.` : 'This project has no targets yet (.labdesk/project.json).';
    fail('bad-argument', `There is no target named "${spec}". ${known} Or pass ssh://[user@]host[:port]/remote/dir.`, 'target');
  }
  return { name: spec, ...target };
}
