import { TEMP_MARKER } from '../../common';

/**
 * The changed paths the watcher has seen and not pushed yet (pure: no timers, no I/O).
 *
 * - Paths are root-relative POSIX; they come out in the order of their FIRST change, so saves
 *   made while offline land in the order they were made. A path changed again keeps its place.
 * - Labdesk's own temp files (`.labdesk-tmp-`, from atomic saves and uploads) and paths the
 *   caller ignores are never queued.
 * - A **burst** is more than `burstThreshold` distinct paths within one debounce window (a
 *   `git checkout`, an unzip): the owner should rescan and plan instead of pushing them blindly.
 *   The window is the owner's: it calls closeWindow() when its debounce timer fires.
 */
export type ChangeKind = 'create' | 'update' | 'delete';

export interface QueuedChange {
  readonly path: string;
  readonly kind: ChangeKind;
}

export interface TakenChanges {
  /** In order of first change. */
  readonly changes: QueuedChange[];
  /** The size of the largest window over the threshold since the last take(), or null: no burst. */
  readonly burst: number | null;
}

export interface ChangeQueueOptions {
  /** More distinct paths than this in one window is a burst (default 200). */
  readonly burstThreshold?: number;
  /** Paths never queued (the sync's ignore rules). Called without knowing if the path is a folder. */
  readonly isIgnored?: (path: string) => boolean;
}

export const DEFAULT_BURST_THRESHOLD = 200;

export class ChangeQueue {
  private pending = new Map<string, ChangeKind>();
  private window = new Set<string>();
  private burst: number | null = null;
  private readonly threshold: number;
  private readonly isIgnored: (path: string) => boolean;

  constructor(options: ChangeQueueOptions = {}) {
    this.threshold = options.burstThreshold ?? DEFAULT_BURST_THRESHOLD;
    this.isIgnored = options.isIgnored ?? (() => false);
  }

  /** Paths waiting to be pushed. */
  get size(): number {
    return this.pending.size;
  }

  /** Distinct paths seen in the current window. */
  get windowSize(): number {
    return this.window.size;
  }

  /** True when a burst was seen since the last take(). */
  get isBurst(): boolean {
    return this.burst !== null;
  }

  /** Records one change; false when the path is not queued (temp file, ignored, the root itself). */
  add(path: string, kind: ChangeKind): boolean {
    if (path === '' || path.includes(TEMP_MARKER) || this.isIgnored(path)) return false;
    const previous = this.pending.get(path);
    // Map.set on an existing key keeps its position: the first change decides the order.
    this.pending.set(path, previous === undefined ? kind : mergeChange(previous, kind));
    this.window.add(path);
    if (this.window.size > this.threshold) this.burst = Math.max(this.burst ?? 0, this.window.size);
    return true;
  }

  /** Queued paths whose last change is a deletion, in order. */
  deletions(): string[] {
    return [...this.pending].flatMap(([path, kind]) => (kind === 'delete' ? [path] : []));
  }

  /** The changes of the paths seen in the current window (kinds as merged in the queue). */
  windowChanges(): QueuedChange[] {
    return [...this.window].flatMap((path) => {
      const kind = this.pending.get(path);
      return kind === undefined ? [] : [{ path, kind }];
    });
  }

  /** Ends the current debounce window; returns true when it was a burst. */
  closeWindow(): boolean {
    const wasBurst = this.window.size > this.threshold;
    this.window = new Set();
    return wasBurst;
  }

  /** Everything queued, in order of first change, and whether a burst happened; empties the queue. */
  take(): TakenChanges {
    const changes = [...this.pending].map(([path, kind]) => ({ path, kind }));
    const burst = this.burst;
    this.pending = new Map();
    this.burst = null;
    return { changes, burst };
  }

  /**
   * Puts changes that could not be pushed (the link dropped) back in front, in their order.
   * A path changed again meanwhile keeps the earlier place and both changes merged.
   */
  requeue(changes: readonly QueuedChange[]): void {
    const merged = new Map<string, ChangeKind>();
    for (const change of changes) {
      const previous = merged.get(change.path);
      merged.set(change.path, previous === undefined ? change.kind : mergeChange(previous, change.kind));
    }
    for (const [path, kind] of this.pending) {
      const previous = merged.get(path);
      merged.set(path, previous === undefined ? kind : mergeChange(previous, kind));
    }
    this.pending = merged;
  }
}

/**
 * Folds two changes of one path. Created then written is still new; deleted then created is a
 * replacement ('update'). Created then deleted stays queued as a deletion rather than vanishing:
 * watchers report an editor's rename-save as a create, so the path may well have existed before.
 */
export function mergeChange(previous: ChangeKind, next: ChangeKind): ChangeKind {
  if (previous === 'create' && next === 'update') return 'create';
  if (previous === 'delete' && next === 'create') return 'update';
  return next;
}
