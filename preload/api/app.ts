/** The app itself: its info and settings, notifications, long tasks and their progress, prompts. */

export type ThemeName = 'light' | 'dark';

export interface AppInfo {
  readonly version: string;
  /** 'electron' in the desktop app, 'web' when served by `labdesk web` (tests use this too). */
  readonly host: 'electron' | 'web';
  readonly platform: string;
  /** True where the host can show a native folder picker (Electron). */
  readonly canPickFolder: boolean;
}

export interface Settings {
  readonly theme: ThemeName;
  readonly vimMode: boolean;
  readonly recentProjects: readonly RecentProject[];
}

export interface RecentProject {
  readonly path: string;
  readonly name: string;
  readonly openedAt: string;
}

export type NotificationLevel = 'info' | 'warning' | 'error';

export interface Notification {
  readonly id: string;
  readonly level: NotificationLevel;
  readonly message: string;
  /** What the notification is about (file path, host name) so the UI can show it next to it. */
  readonly source?: string;
}

export interface TaskProgress {
  readonly id: string;
  readonly title: string;
  readonly done: number;
  /** Null while the total is not known yet. */
  readonly total: number | null;
  readonly unit: string;
  readonly cancellable: boolean;
  readonly state: 'running' | 'done' | 'cancelled' | 'failed';
  readonly message?: string;
  /** Bytes moved so far and in all (transfers); absent for work that is not about bytes. */
  readonly bytes?: { readonly done: number; readonly total: number | null };
}

/** A question main asks the person (an unknown host key, a password); answered with `prompts.answer`. */
export type PromptRequest =
  | {
      readonly id: string;
      readonly kind: 'host-key';
      readonly host: string;
      readonly port: number;
      readonly keyType: string;
      readonly fingerprint: string;
    }
  | {
      readonly id: string;
      readonly kind: 'secret';
      readonly secretKind: 'password' | 'passphrase' | 'keyboard-interactive';
      readonly host: string;
      readonly user: string;
      readonly prompt: string;
      readonly echo: boolean;
    };

export interface AppApi {
  info(arg: Record<string, never>): Promise<AppInfo>;
}

export interface SettingsApi {
  get(arg: Record<string, never>): Promise<Settings>;
  update(arg: { theme?: ThemeName; vimMode?: boolean }): Promise<Settings>;
}

export interface TasksApi {
  cancel(arg: { id: string }): Promise<{ cancelled: boolean }>;
}

export interface PromptsApi {
  /** Answers a `prompt` event: true/false for a host key, the text (or null to cancel) for a secret. */
  answer(arg: { id: string; value: string | boolean | null }): Promise<{ accepted: boolean }>;
}
