import { AsyncEntry } from '@napi-rs/keyring';
import { CourierError } from '../../../shared/errors';
import type { SecretStore } from './store';

const SERVICE = 'courier-rescale';

function unavailable(e: unknown): CourierError {
  const why = e instanceof Error ? e.message : String(e);
  return new CourierError(
    'unavailable',
    `No OS keychain is available here (${why}). Courier never writes API keys to a plain file on its own. ` +
      'Use RESCALE_API_KEY (or -p) for this shell, start a keyring (e.g. gnome-keyring in a D-Bus session), ' +
      'or opt in to a plaintext key file with COURIER_KEY_STORE=file.',
  );
}

/** The OS keyring (macOS Keychain, Windows Credential Manager, Secret Service) via @napi-rs/keyring. */
export class KeyringSecretStore implements SecretStore {
  readonly backend = 'os-keyring';
  readonly secure = true;
  async get(name: string): Promise<string | null> {
    try {
      return (await new AsyncEntry(SERVICE, name).getPassword()) ?? null;
    } catch (e) {
      if (/no (matching )?entry|not found/i.test(String(e))) return null;
      throw unavailable(e);
    }
  }
  async set(name: string, secret: string): Promise<void> {
    try {
      await new AsyncEntry(SERVICE, name).setPassword(secret);
    } catch (e) {
      throw unavailable(e);
    }
  }
  async delete(name: string): Promise<void> {
    try {
      await new AsyncEntry(SERVICE, name).deletePassword();
    } catch (e) {
      if (/no (matching )?entry|not found/i.test(String(e))) return;
      throw unavailable(e);
    }
  }
  /** Whether the keyring works here (a round trip of a throwaway entry). */
  static async probe(): Promise<{ ok: true } | { ok: false; reason: string }> {
    const store = new KeyringSecretStore();
    try {
      await store.set('probe', 'x');
      await store.delete('probe');
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }
}
