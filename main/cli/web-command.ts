import path from 'node:path';
import { ApiError } from '../common';
import { Session } from '../api';
import { BUILT_RENDERER_DIR, rendererIsBuilt, startWebHost } from '../host';
import { defaultConfigDir } from '../settings';
import { moveToTrashWithNode } from '../workspace';
import { PACKAGE_VERSION } from './package-version';

export interface WebCommandOptions {
  readonly port?: number;
  readonly folder?: string;
}

/** `labdesk web [--port N] [DIR]`: serve the app to a browser on 127.0.0.1 until interrupted. */
export async function runWebCommand(options: WebCommandOptions): Promise<void> {
  if (!rendererIsBuilt()) {
    throw new Error(`The app is not built yet (${BUILT_RENDERER_DIR} is missing). Run \`npm run build\` and try again.`);
  }
  const session = new Session({
    host: 'web',
    version: PACKAGE_VERSION,
    configDir: defaultConfigDir(),
    moveToTrash: moveToTrashWithNode,
  });
  if (options.folder !== undefined) {
    await session.openWorkspace(path.resolve(options.folder)).catch((error: unknown) => {
      throw new Error(error instanceof ApiError ? error.message : String(error));
    });
  }
  const host = await startWebHost({ session, rendererDir: BUILT_RENDERER_DIR, port: options.port ?? 0 });
  const opened = session.currentWorkspace();
  process.stdout.write(
    `Labdesk is serving ${opened ? opened.root : 'no folder yet'} at\n\n  ${host.url}\n\n` +
      'Open that address in a browser (it carries the access token). Press Ctrl+C to stop.\n',
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await host.close();
  await session.close();
}
