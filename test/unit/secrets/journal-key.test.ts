// The journal's sealing key: a key store that fails to answer must not be taken for an empty one.
import { describe, expect, test } from 'vitest';
import { journalSealer } from '../../../main/core/secrets/journal-key';
import { MemorySecretStore, type SecretStore } from '../../../main/core/secrets/store';

/** A real memory store whose reads fail while `locked` (a locked keychain). */
function lockableStore(): SecretStore & { locked: boolean } {
  const inner = new MemorySecretStore();
  return Object.assign(Object.create(inner) as SecretStore, {
    locked: false,
    async get(this: { locked: boolean }, name: string) {
      if (this.locked) throw new Error('the keyring is locked');
      return inner.get(name);
    },
  });
}

describe('journalSealer', () => {
  test('a store that does not answer refuses (saying what to do) and keeps the stored key; the next run seals with the same key', async () => {
    const store = lockableStore();
    const first = await journalSealer(store);
    const sealed = first.seal(Buffer.from('per-file key'));
    store.locked = true;
    await expect(journalSealer(store)).rejects.toThrow(/did not answer.*unlock the keychain/);
    store.locked = false;
    expect((await journalSealer(store)).open(sealed).toString()).toBe('per-file key');
  });
});
