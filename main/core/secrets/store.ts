/**
 * Where API keys (and a proxy password) live. Core never knows which: the Electron shell passes
 * a safeStorage-backed store, the CLI and the web host the OS keyring, tests a memory store.
 * Names are like "account:<id>" and "proxy".
 */
export interface SecretStore {
  /** e.g. "os-keyring", "electron-safe-storage", "file (plaintext, opted in)" — shown in Settings. */
  readonly backend: string;
  /** false only for an explicitly accepted plaintext store. */
  readonly secure: boolean;
  get(name: string): Promise<string | null>;
  set(name: string, secret: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export type KeyStoreChoice = 'keychain' | 'encrypted-file' | 'memory';

export interface KeyStoreState {
  backend: string;
  secure: boolean;
  kind: KeyStoreChoice;
  /** The encrypted file is there but its passphrase has not been given in this run. */
  locked: boolean;
  /** What the person may pick where keys go (the keychain only when it answers). */
  choices: KeyStoreChoice[];
}

/** A key store the person chooses in the app (the web host's): see secrets/chooser.ts. */
export interface ChoosableKeyStore {
  state(): KeyStoreState;
  choose(kind: KeyStoreChoice, passphrase?: string): Promise<void>;
  unlock(passphrase: string): Promise<void>;
}

/** Process-memory store: tests and `-p`/RESCALE_API_KEY one-shot runs (nothing is persisted). */
export class MemorySecretStore implements SecretStore {
  readonly backend = 'memory (this process only)';
  readonly secure = true;
  private readonly map = new Map<string, string>();
  async get(name: string) {
    return this.map.get(name) ?? null;
  }
  async set(name: string, secret: string) {
    this.map.set(name, secret);
  }
  async delete(name: string) {
    this.map.delete(name);
  }
  /** What this run holds, so a switch to a lasting store can take it along. */
  entries(): [string, string][] {
    return [...this.map];
  }
}
