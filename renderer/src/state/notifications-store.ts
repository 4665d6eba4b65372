import { create } from 'zustand';
import type { NotificationLevel } from '../../../preload/api';

export interface NotificationAction {
  readonly label: string;
  readonly run: () => void;
}

export interface UiNotification {
  readonly id: string;
  readonly level: NotificationLevel;
  readonly message: string;
  /** The file or host it is about, shown with the message. */
  readonly source?: string;
  readonly actions?: readonly NotificationAction[];
  readonly at: number;
}

interface NotificationsState {
  /** Shown as toasts until dismissed (info fades by itself). */
  readonly visible: readonly UiNotification[];
  /** Everything this session, newest first, for the panel. */
  readonly history: readonly UiNotification[];
  notify(level: NotificationLevel, message: string, extra?: { source?: string; actions?: readonly NotificationAction[]; id?: string }): string;
  dismiss(id: string): void;
  clearHistory(): void;
}

const INFO_VISIBLE_MS = 6000;
const HISTORY_LIMIT = 200;
let counter = 0;

export const useNotifications = create<NotificationsState>((set, get) => ({
  visible: [],
  history: [],
  notify(level, message, extra) {
    const id = extra?.id ?? `n${++counter}`;
    const notification: UiNotification = {
      id,
      level,
      message,
      at: Date.now(),
      ...(extra?.source !== undefined && { source: extra.source }),
      ...(extra?.actions !== undefined && { actions: extra.actions }),
    };
    set((state) => ({
      visible: [...state.visible.filter((n) => n.id !== id), notification],
      history: [notification, ...state.history].slice(0, HISTORY_LIMIT),
    }));
    if (level === 'info' && !extra?.actions) setTimeout(() => get().dismiss(id), INFO_VISIBLE_MS);
    return id;
  },
  dismiss(id) {
    set((state) => ({ visible: state.visible.filter((n) => n.id !== id) }));
  },
  clearHistory() {
    set({ history: [] });
  },
}));

/** Shorthand for code outside React. */
export const notify = (...args: Parameters<NotificationsState['notify']>) => useNotifications.getState().notify(...args);
