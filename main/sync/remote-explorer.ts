import type { RemoteEntry, RemoteFileOpen, RemoteListing, RemoteTransferReport } from '../../preload/api';
import { fail } from '../api/api-error';
import type { EventBus } from '../api/event-bus';
import type { TaskRegistry } from '../api/task-registry';
import type { SyncService } from './sync-service';

/**
 * The remote explorer (issue 3 part 5): browse, open, save, download, upload, rename, delete and
 * create folders on the active target's server, over the connection sync already holds.
 * SKELETON: being implemented.
 */
export class RemoteExplorer {
  constructor(
    private readonly sync: SyncService,
    private readonly tasks: TaskRegistry,
    private readonly events: EventBus,
  ) {}

  list(dir: string): Promise<RemoteListing> {
    return notYet(dir);
  }

  read(path: string): Promise<RemoteFileOpen> {
    return notYet(path);
  }

  write(path: string, text: string, expected: { size: number; mtimeMs: number } | null): Promise<RemoteEntry> {
    void text;
    void expected;
    return notYet(path);
  }

  download(paths: readonly string[], toDir: string): Promise<RemoteTransferReport> {
    void toDir;
    return notYet(paths.join(', '));
  }

  upload(paths: readonly string[], toDir: string): Promise<RemoteTransferReport> {
    void toDir;
    return notYet(paths.join(', '));
  }

  mkdir(path: string): Promise<RemoteEntry> {
    return notYet(path);
  }

  rename(from: string, to: string): Promise<RemoteEntry> {
    void to;
    return notYet(from);
  }

  delete(path: string): Promise<{ path: string; removed: number }> {
    return notYet(path);
  }
}

function notYet(what: string): never {
  fail('not-supported', `The remote explorer is not built yet (${what}).`);
}
