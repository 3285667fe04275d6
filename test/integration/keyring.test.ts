import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { KeyringSecretStore } from '../../main/core/secrets/keyring';

// The OS keyring for real. .ci/run runs the tests under scripts/with-keyring.sh (a private
// D-Bus session with gnome-keyring), so this runs in CI; elsewhere it says why it skipped.
const probe = await KeyringSecretStore.probe();
if (!probe.ok) console.log(`keyring: skipped — no Secret Service here (${probe.reason.slice(0, 120)}); run under scripts/with-keyring.sh`);

describe.skipIf(!probe.ok)('the OS keyring store', () => {
  test('stores, reads back, overwrites and deletes a key', async () => {
    const store = new KeyringSecretStore();
    const name = `test:${randomBytes(4).toString('hex')}`;
    expect(await store.get(name)).toBeNull();
    await store.set(name, 'first-value-123');
    expect(await store.get(name)).toBe('first-value-123');
    await store.set(name, 'second-value-456');
    expect(await store.get(name)).toBe('second-value-456');
    await store.delete(name);
    expect(await store.get(name)).toBeNull();
    await store.delete(name); // deleting twice is not an error
  });
});
