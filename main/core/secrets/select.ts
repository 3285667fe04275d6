import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import { EncryptedFileSecretStore, ENCRYPTED_KEY_FILE } from './encrypted-file';
import { PlaintextFileSecretStore } from './file-store';
import { KeyringSecretStore } from './keyring';
import { MemorySecretStore, type SecretStore } from './store';

/** Asks for the key file's passphrase (a terminal prompt); null when nobody can be asked. */
export type PassphraseSource = (purpose: 'open' | 'create') => Promise<string | null>;

/**
 * The key store for the CLI: an encrypted key file when the data folder has one (the app or an
 * earlier run chose it) or COURIER_KEY_STORE=encrypted-file; a plaintext file only when the user
 * explicitly opted in (COURIER_KEY_STORE=file); the OS keyring; and where no keyring answers,
 * keys kept in this process's memory only — never a silent plaintext file — with a warning.
 */
export async function selectNodeSecretStore(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  ask: PassphraseSource = async () => null,
): Promise<{ store: SecretStore; warning?: string }> {
  if (env.COURIER_KEY_STORE === 'file') {
    return {
      store: new PlaintextFileSecretStore(join(dataDir, 'keys.plaintext.json')),
      warning: 'API keys are stored UNENCRYPTED in the data folder (COURIER_KEY_STORE=file).',
    };
  }
  if (env.COURIER_KEY_STORE === 'memory') return { store: new MemorySecretStore() };
  const file = join(dataDir, ENCRYPTED_KEY_FILE);
  if (EncryptedFileSecretStore.exists(file)) return { store: await EncryptedFileSecretStore.open(file, await passphrase(file, env, ask, 'open')) };
  if (env.COURIER_KEY_STORE === 'encrypted-file') return { store: await EncryptedFileSecretStore.create(file, await passphrase(file, env, ask, 'create')) };
  const probe = await KeyringSecretStore.probe();
  if (probe.ok) return { store: new KeyringSecretStore() };
  return {
    store: new MemorySecretStore(),
    warning:
      'No OS keychain answered, so API keys you add are kept in memory for this run only. ' +
      'To keep them: start a keyring (gnome-keyring / KWallet), or keep them in a file encrypted with a passphrase (COURIER_KEY_STORE=encrypted-file).',
  };
}

async function passphrase(file: string, env: NodeJS.ProcessEnv, ask: PassphraseSource, purpose: 'open' | 'create'): Promise<string> {
  const given = env.COURIER_PASSPHRASE ?? (await ask(purpose));
  if (given) return given;
  throw new CourierError(
    'unauthorized',
    purpose === 'open'
      ? `The API keys in ${file} are encrypted with a passphrase and none was given: run the command in a terminal to be asked for it, or set COURIER_PASSPHRASE (or give a key with -p / RESCALE_API_KEY).`
      : `COURIER_KEY_STORE=encrypted-file needs a passphrase for the new key file ${file}: run the command in a terminal to be asked for one, or set COURIER_PASSPHRASE.`,
  );
}
