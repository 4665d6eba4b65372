/**
 * How the connection asks the person for decisions and secrets: the UI shows a dialog, the CLI
 * asks on the terminal (or refuses when there is none). Secrets are returned to the caller only;
 * the connection keeps them in memory for reconnects and never writes them anywhere.
 */
export interface HostKeyQuestion {
  readonly host: string;
  readonly port: number;
  readonly keyType: string;
  readonly fingerprint: string;
}

export interface SecretQuestion {
  readonly kind: 'password' | 'passphrase' | 'keyboard-interactive';
  readonly host: string;
  readonly user: string;
  /** What to show, e.g. "Passphrase for ~/.ssh/id_ed25519" or the server's own prompt. */
  readonly prompt: string;
  /** For keyboard-interactive: whether the answer may be shown while typed. */
  readonly echo?: boolean;
}

export interface Prompter {
  /** An unknown host key: true to trust it (Labdesk then remembers it in its own trust store). */
  confirmHostKey(question: HostKeyQuestion): Promise<boolean>;
  /** A password, key passphrase or 2FA answer; null when the person cancels. */
  askSecret(question: SecretQuestion): Promise<string | null>;
}

/** For non-interactive use: unknown hosts are refused unless `acceptNewHostKeys`, and nothing is asked. */
export function nonInteractivePrompter(options: { acceptNewHostKeys: boolean }): Prompter {
  return {
    confirmHostKey: async () => options.acceptNewHostKeys,
    askSecret: async () => null,
  };
}
