/**
 * Secrets (SSH key passphrases, passwords) are sealed with the OS keychain through Electron's
 * safeStorage, in main only; plaintext never crosses IPC. This interface is what the rest of
 * main uses, so tests pass a fake and a future async safeStorage API changes one file.
 */
export interface SecretStore {
  /** True when secrets are protected by the OS (Keychain, DPAPI, libsecret/kwallet). */
  isAvailable(): boolean;
  /** Throws when `isAvailable()` is false: nothing is stored under a hardcoded key. */
  encrypt(plaintext: string): Buffer;
  decrypt(sealed: Buffer): string;
}

/** The part of Electron's `safeStorage` used here (structural, so no Electron import). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plaintext: string): Buffer;
  decryptString(sealed: Buffer): string;
  getSelectedStorageBackend?(): string;
}

/**
 * On Linux without a keyring, safeStorage falls back to `basic_text`: "encrypted" with a
 * hardcoded password, i.e. readable by anyone with the file. That counts as unavailable here,
 * with one warning saying why, so the UI asks each time instead of storing weakly.
 */
export function createSecretStore(
  storage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
  warn: (message: string) => void = (message) => console.warn(message),
): SecretStore {
  let warned = false;
  const isAvailable = () => {
    if (!storage.isEncryptionAvailable()) return false;
    if (platform !== 'linux' || storage.getSelectedStorageBackend?.() !== 'basic_text') return true;
    if (!warned) {
      warned = true;
      warn(
        '[labdesk] No OS keyring (GNOME Keyring/KWallet) is available, so passwords and passphrases will not be saved. ' +
          'Install and unlock a Secret Service keyring to let Labdesk remember them.',
      );
    }
    return false;
  };
  return {
    isAvailable,
    encrypt(plaintext) {
      if (!isAvailable()) throw new Error('Secrets cannot be stored: no OS keyring is available.');
      return storage.encryptString(plaintext);
    },
    decrypt(sealed) {
      if (!isAvailable()) throw new Error('Secrets cannot be read: no OS keyring is available.');
      return storage.decryptString(sealed);
    },
  };
}
