import { create } from 'zustand';
import type { TerminalInfo, TerminalState } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { notify } from '../state/notifications-store';
import { useUi } from '../state/ui-store';
import { forgetTerminal } from './terminal-output';

export interface TerminalTab {
  readonly info: TerminalInfo;
  readonly state: TerminalState;
  /** Why it reconnects or ended, when main said. */
  readonly message: string | null;
}

interface TerminalsState {
  readonly tabs: readonly TerminalTab[];
  readonly activeId: string | null;
  readonly opening: boolean;
  /** Labdesk shells on the server that no tab shows (after a reload), to reattach. */
  readonly leftOnServer: readonly string[];
  open(request?: { session?: string; run?: { id: string; readOnly: boolean } }): Promise<void>;
  close(id: string): Promise<void>;
  activate(id: string): void;
  stateChanged(id: string, state: TerminalState, message: string | null): void;
  findLeftOnServer(): Promise<void>;
  reset(): void;
}

/** The size a new terminal starts with, before its pane measures itself. */
const START = { cols: 100, rows: 24 };

/** The panel's terminals (main owns the channels; this is what the tabs show). */
export const useTerminals = create<TerminalsState>((set, get) => ({
  tabs: [],
  activeId: null,
  opening: false,
  leftOnServer: [],

  async open(request = {}) {
    useUi.getState().showPanel('terminal');
    set({ opening: true });
    try {
      const info = await api().terminal.open({ ...START, ...request });
      set((state) => ({ tabs: [...state.tabs, { info, state: 'connected', message: null }], activeId: info.id, leftOnServer: state.leftOnServer.filter((name) => name !== info.tmuxSession) }));
    } catch (error) {
      notify('error', `The terminal could not be opened: ${errorMessage(error)}`);
    } finally {
      set({ opening: false });
    }
  },

  async close(id) {
    const tabs = get().tabs.filter((tab) => tab.info.id !== id);
    set({ tabs, activeId: get().activeId === id ? (tabs.at(-1)?.info.id ?? null) : get().activeId });
    forgetTerminal(id);
    await api().terminal.close({ id }).catch(() => undefined);
  },

  activate(id) {
    set({ activeId: id });
  },

  stateChanged(id, state, message) {
    set((current) => ({ tabs: current.tabs.map((tab) => (tab.info.id === id ? { ...tab, state, message } : tab)) }));
  },

  async findLeftOnServer() {
    try {
      set({ leftOnServer: await api().terminal.sessions({}) });
    } catch {
      set({ leftOnServer: [] });
    }
  },

  reset() {
    for (const tab of get().tabs) forgetTerminal(tab.info.id);
    set({ tabs: [], activeId: null, leftOnServer: [] });
  },
}));
