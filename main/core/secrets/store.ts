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
}
