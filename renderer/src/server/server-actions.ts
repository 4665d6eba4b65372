import { create } from 'zustand';
import type { ServerCheck, ServerSetupReport } from '../../../preload/api';
import { api } from '../api/client';
import { errorMessage } from '../api/errors';
import { useUi } from '../state/ui-store';

interface ServerToolsState {
  readonly busy: 'check' | 'setUp' | null;
  readonly check: ServerCheck | null;
  readonly setup: ServerSetupReport | null;
  readonly error: string | null;
  reset(): void;
}

/** "Check server" and "Set up server": their last answers, shown in the Server view. */
export const useServerTools = create<ServerToolsState>((set) => ({
  busy: null,
  check: null,
  setup: null,
  error: null,
  reset: () => set({ busy: null, check: null, setup: null, error: null }),
}));

async function run<K extends 'check' | 'setup'>(kind: K, work: () => Promise<ServerToolsState[K]>): Promise<void> {
  useUi.getState().showView('server');
  useServerTools.setState({ busy: kind === 'check' ? 'check' : 'setUp', error: null });
  try {
    const result = await work();
    useServerTools.setState({ [kind]: result } as Partial<ServerToolsState>);
  } catch (error) {
    useServerTools.setState({ error: errorMessage(error) });
  } finally {
    useServerTools.setState({ busy: null });
  }
}

/** The two actions, for the palette and the Server view's buttons. */
export const serverCheck = {
  check: () => run('check', () => api().server.check({})),
  setUp: () => run('setup', () => api().server.setUp({})),
};
