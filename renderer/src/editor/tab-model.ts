/**
 * The editor's tab list as plain data: which tabs are open, in what order, and which one is active.
 * Pure functions only (no React, no API, no Monaco) so the rules — where focus goes when a tab
 * closes, what reopening an open tab does — can be tested without a store or a window.
 */

export interface TabsState<T extends { readonly id: string }> {
  readonly tabs: readonly T[];
  readonly activeId: string | null;
}

export function hasTab<T extends { readonly id: string }>(state: TabsState<T>, id: string): boolean {
  return state.tabs.some((tab) => tab.id === id);
}

export function activeTab<T extends { readonly id: string }>(state: TabsState<T>): T | undefined {
  return state.tabs.find((tab) => tab.id === state.activeId);
}

/**
 * Makes `tab.id` active, appending `tab` when no tab has that id. An open tab is kept as it is
 * (its loaded content and edits win over the fresh placeholder), and the list stays the same array.
 */
export function showTab<T extends { readonly id: string }>(state: TabsState<T>, tab: T): TabsState<T> {
  return { tabs: hasTab(state, tab.id) ? state.tabs : [...state.tabs, tab], activeId: tab.id };
}

/**
 * Drops the tab with `id`. When it was active, the tab that slides into its place (or the new last
 * one) becomes active, so closing tabs one after another walks along the bar instead of jumping.
 */
export function removeTab<T extends { readonly id: string }>(state: TabsState<T>, id: string): TabsState<T> {
  const index = state.tabs.findIndex((tab) => tab.id === id);
  const tabs = state.tabs.filter((tab) => tab.id !== id);
  const activeId = state.activeId === id ? (tabs[Math.min(index, tabs.length - 1)]?.id ?? null) : state.activeId;
  return { tabs, activeId };
}

/** Activates `id` only when it is open: a stale id (from a closed tab) must not blank the editor. */
export function activateTab<T extends { readonly id: string }>(state: TabsState<T>, id: string): TabsState<T> {
  return hasTab(state, id) ? { tabs: state.tabs, activeId: id } : state;
}

/** Next (1) or previous (-1) tab, wrapping around; with nothing active, 1 goes to the first tab. */
export function cycleTabs<T extends { readonly id: string }>(state: TabsState<T>, step: 1 | -1): TabsState<T> {
  if (state.tabs.length === 0) return state;
  const index = state.tabs.findIndex((tab) => tab.id === state.activeId);
  const next = state.tabs[(index + step + state.tabs.length) % state.tabs.length];
  return next ? { tabs: state.tabs, activeId: next.id } : state;
}

/** Replaces every tab `match` accepts by `update(tab)` (dirty/clean, new mtime, errors...), in place. */
export function updateTabs<T extends { readonly id: string }, M extends T>(
  tabs: readonly T[],
  match: (tab: T) => tab is M,
  update: (tab: M) => T,
): T[] {
  return tabs.map((tab) => (match(tab) ? update(tab) : tab));
}
