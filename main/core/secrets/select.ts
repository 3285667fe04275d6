import { join } from 'node:path';
import { PlaintextFileSecretStore } from './file-store';
import { KeyringSecretStore } from './keyring';
import { MemorySecretStore, type SecretStore } from './store';

/**
 * The key store for the CLI and the web host: the OS keyring; a plaintext file only when the
 * user explicitly opted in (COURIER_KEY_STORE=file); and where no keyring answers, keys kept in
 * this process's memory only — never a silent plaintext file — with a warning saying so.
 */
export async function selectNodeSecretStore(dataDir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ store: SecretStore; warning?: string }> {
  if (env.COURIER_KEY_STORE === 'file') {
    return { store: new PlaintextFileSecretStore(join(dataDir, 'keys.plaintext.json')), warning: 'API keys are stored UNENCRYPTED in the data folder (COURIER_KEY_STORE=file).' };
  }
  if (env.COURIER_KEY_STORE === 'memory') return { store: new MemorySecretStore() };
  const probe = await KeyringSecretStore.probe();
  if (probe.ok) return { store: new KeyringSecretStore() };
  return {
    store: new MemorySecretStore(),
    warning:
      'No OS keychain answered, so API keys you add are kept in memory for this run only. ' +
      'To keep them: start a keyring (gnome-keyring / KWallet), or opt in to a plaintext file with COURIER_KEY_STORE=file.',
  };
}
