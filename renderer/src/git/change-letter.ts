import type { ChangeKind } from '../../../preload/api';

/** git's status letter for each kind of change, as lists of changed files show it. */
export const CHANGE_LETTER: Record<ChangeKind, string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', copied: 'C', 'type-changed': 'T', untracked: 'U', conflicted: '!' };
