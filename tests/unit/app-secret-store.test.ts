import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type SafeStorageLike, createSecretStore } from '../../main/app/secret-store';

function fakeStorage(available: boolean, backend?: string): SafeStorageLike & { sealed: number } {
  const fake = {
    sealed: 0,
    isEncryptionAvailable: () => available,
    encryptString: (text: string) => {
      fake.sealed += 1;
      return Buffer.from([...Buffer.from(text)].reverse());
    },
    decryptString: (sealed: Buffer) => Buffer.from([...sealed].reverse()).toString(),
    ...(backend !== undefined && { getSelectedStorageBackend: () => backend }),
  };
  return fake;
}

describe('createSecretStore', () => {
  it('round-trips through the OS backend when one is available', () => {
    const store = createSecretStore(fakeStorage(true, 'gnome_libsecret'), 'linux', () => assert.fail('no warning expected'));
    assert.equal(store.isAvailable(), true);
    const sealed = store.encrypt('hunter2');
    assert.notEqual(sealed.toString(), 'hunter2');
    assert.equal(store.decrypt(sealed), 'hunter2');
  });

  it('treats Linux basic_text (hardcoded key) as unavailable, warns once, and stores nothing', () => {
    const warnings: string[] = [];
    const storage = fakeStorage(true, 'basic_text');
    const store = createSecretStore(storage, 'linux', (message) => warnings.push(message));
    assert.equal(store.isAvailable(), false);
    assert.equal(store.isAvailable(), false);
    assert.throws(() => store.encrypt('hunter2'), /no OS keyring/);
    assert.equal(storage.sealed, 0);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /keyring/i);
  });

  it('is unavailable when safeStorage says so', () => {
    const store = createSecretStore(fakeStorage(false), 'darwin', () => {});
    assert.equal(store.isAvailable(), false);
    assert.throws(() => store.decrypt(Buffer.from('x')), /no OS keyring/);
  });

  it('ignores the backend name outside Linux (Keychain, DPAPI)', () => {
    const store = createSecretStore(fakeStorage(true, 'basic_text'), 'win32', () => assert.fail('no warning expected'));
    assert.equal(store.isAvailable(), true);
  });
});
