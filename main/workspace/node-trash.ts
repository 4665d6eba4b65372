import type { MoveToTrash } from './workspace';

/**
 * The OS trash outside Electron (CLI, `labdesk web`): the `trash` package follows the
 * freedesktop.org spec on Linux and uses the system APIs on macOS and Windows.
 */
export const moveToTrashWithNode: MoveToTrash = async (absolutePath) => {
  const { default: trash } = await import('trash');
  await trash(absolutePath, { glob: false });
};
