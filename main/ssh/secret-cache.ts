/**
 * Passwords and passphrases typed this session, so a reconnect after an idle drop does not ask
 * again (a top complaint about other tools). Memory only: the desktop app may back it with the
 * OS keychain through safeStorage; nothing here ever touches the disk.
 */
export class SecretCache {
  private readonly secrets = new Map<string, string>();

  get(key: string): string | undefined {
    return this.secrets.get(key);
  }

  set(key: string, value: string): void {
    this.secrets.set(key, value);
  }

  forget(key: string): void {
    this.secrets.delete(key);
  }
}
