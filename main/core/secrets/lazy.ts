import type { SecretStore } from './store';

/** Picks the real store on first use, so commands that never need a stored key never probe the keychain. */
export class LazySecretStore implements SecretStore {
  private inner: Promise<SecretStore> | null = null;
  private picked: SecretStore | null = null;
  constructor(private readonly pick: () => Promise<SecretStore>) {}
  private store(): Promise<SecretStore> {
    this.inner ??= this.pick().then((s) => (this.picked = s));
    return this.inner;
  }
  get backend(): string {
    return this.picked?.backend ?? 'os-keyring';
  }
  get secure(): boolean {
    return this.picked?.secure ?? true;
  }
  async get(name: string) {
    return (await this.store()).get(name);
  }
  async set(name: string, secret: string) {
    return (await this.store()).set(name, secret);
  }
  async delete(name: string) {
    return (await this.store()).delete(name);
  }
}
