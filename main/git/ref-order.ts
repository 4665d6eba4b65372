import type { Ref, RefKind } from './commit-source';

const KIND_ORDER: Record<RefKind, number> = { local: 0, remote: 1, tag: 2, stash: 3 };

/** Local branches, remote branches, tags, then stashes (newest first, as listed); by name within each. */
export function sortRefs(refs: readonly Ref[]): Ref[] {
  return refs
    .map((ref, index) => ({ ref, index }))
    .sort((a, b) => KIND_ORDER[a.ref.kind] - KIND_ORDER[b.ref.kind] || (a.ref.kind === 'stash' ? a.index - b.index : a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0))
    .map(({ ref }) => ref);
}
