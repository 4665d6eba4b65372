import { safeStorage } from 'electron';
import { type SecretStore, createSecretStore } from './secret-store';

let store: SecretStore | null = null;

/** The app's secret store over Electron's safeStorage; use only after `app` is ready. */
export function secretStore(): SecretStore {
  store ??= createSecretStore(safeStorage);
  return store;
}
