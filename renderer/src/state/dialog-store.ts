import { create } from 'zustand';

export interface DialogButton<T> {
  readonly label: string;
  readonly value: T;
  readonly primary?: boolean;
}

export type DialogRequest =
  | { readonly kind: 'confirm'; readonly title: string; readonly message: string; readonly buttons: readonly DialogButton<string>[]; readonly resolve: (value: string) => void }
  | { readonly kind: 'prompt'; readonly title: string; readonly label: string; readonly initial: string; readonly confirmLabel: string; readonly resolve: (value: string | null) => void };

interface DialogState {
  readonly current: DialogRequest | null;
  close(): void;
}

/** Only decisions that must be made now use a dialog (UI.md); one at a time. */
export const useDialog = create<DialogState>((set) => ({
  current: null,
  close: () => set({ current: null }),
}));

/** Asks the user to choose; resolves with the chosen button's value ('cancel' on Escape). */
export function ask(title: string, message: string, buttons: readonly DialogButton<string>[]): Promise<string> {
  return new Promise((resolve) => {
    useDialog.setState({ current: { kind: 'confirm', title, message, buttons, resolve } });
  });
}

/** Asks for a line of text; resolves with null when cancelled. */
export function promptText(title: string, label: string, initial = '', confirmLabel = 'OK'): Promise<string | null> {
  return new Promise((resolve) => {
    useDialog.setState({ current: { kind: 'prompt', title, label, initial, confirmLabel, resolve } });
  });
}
