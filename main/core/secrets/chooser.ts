import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import { EncryptedFileSecretStore, ENCRYPTED_KEY_FILE } from './encrypted-file';
import { KeyringSecretStore } from './keyring';
import { MemorySecretStore, type ChoosableKeyStore, type KeyStoreChoice, type KeyStoreState, type SecretStore } from './store';

/**
 * The web host's key store, which the person chooses: the OS keychain when it answers, else an
 * encrypted file with a passphrase, or memory only. An encrypted file found at start is "locked"
 * until its passphrase is given (the app asks in place); until then reads fail with what to do,
 * rather than answer "no key" and make the app look signed out.
 */
export class KeyStoreChooser implements SecretStore, ChoosableKeyStore {
  private inner: SecretStore | null;
  private kind: KeyStoreChoice;
  private constructor(
    private readonly file: string,
    private readonly keychain: boolean,
    private readonly keychainStore: () => SecretStore,
  ) {
    this.kind = EncryptedFileSecretStore.exists(file) ? 'encrypted-file' : keychain ? 'keychain' : 'memory';
    this.inner = this.kind === 'encrypted-file' ? null : keychain ? keychainStore() : new MemorySecretStore();
  }

  /**
   * `keychainStore` is the OS keychain as the shell reaches it: the keyring library in the web
   * host and the CLI (the default), Electron's safeStorage in the desktop app.
   */
  static async open(dataDir: string, opts: { keychain?: boolean; keychainStore?: () => SecretStore } = {}): Promise<KeyStoreChooser> {
    const keychain = opts.keychain ?? (await KeyringSecretStore.probe()).ok;
    return new KeyStoreChooser(join(dataDir, ENCRYPTED_KEY_FILE), keychain, opts.keychainStore ?? (() => new KeyringSecretStore()));
  }

  state(): KeyStoreState {
    return {
      backend: this.backend,
      secure: this.secure,
      kind: this.kind,
      locked: this.inner === null,
      choices: this.keychain ? ['keychain', 'encrypted-file', 'memory'] : ['encrypted-file', 'memory'],
    };
  }

  get backend(): string {
    return this.inner?.backend ?? 'encrypted-file (locked)';
  }
  get secure(): boolean {
    return this.inner?.secure ?? true;
  }

  /** Opens the encrypted file found at start. */
  async unlock(passphrase: string): Promise<void> {
    if (this.kind !== 'encrypted-file') throw new CourierError('invalid_input', 'The key store has no passphrase to enter.');
    this.inner = await EncryptedFileSecretStore.open(this.file, passphrase);
  }

  /**
   * Where keys go from now on. Keys already kept in memory (this run's) move along, so the
   * account just added and the transfer journal's key survive the switch.
   */
  async choose(kind: KeyStoreChoice, passphrase?: string): Promise<void> {
    if (kind === this.kind && this.inner) return;
    if (this.inner === null) throw new CourierError('invalid_input', 'Enter the passphrase of the key file first.', { field: 'passphrase' });
    if (kind === 'keychain' && !this.keychain) throw new CourierError('unavailable', 'No OS keychain answers here: choose an encrypted file or memory only.');
    if (this.kind === 'encrypted-file')
      throw new CourierError('conflict', 'Keys are already kept in the encrypted file; move the file away and restart Courier to choose again.');
    const next = kind === 'encrypted-file' ? await this.makeFile(passphrase) : kind === 'keychain' ? this.keychainStore() : new MemorySecretStore();
    if (this.inner instanceof MemorySecretStore) for (const [name, secret] of this.inner.entries()) await next.set(name, secret);
    this.inner = next;
    this.kind = kind;
  }

  private async makeFile(passphrase: string | undefined): Promise<SecretStore> {
    if (!passphrase) throw new CourierError('invalid_input', 'Choose a passphrase for the key file.', { field: 'passphrase' });
    return EncryptedFileSecretStore.create(this.file, passphrase);
  }

  private store(): SecretStore {
    if (this.inner) return this.inner;
    throw new CourierError('unavailable', `The API keys are in an encrypted file (${this.file}): enter its passphrase in Courier to open it.`, {
      text: { key: 'keyStoreLocked', params: {} },
    });
  }
  async get(name: string) {
    return this.store().get(name);
  }
  async set(name: string, secret: string) {
    return this.store().set(name, secret);
  }
  async delete(name: string) {
    return this.store().delete(name);
  }
}
