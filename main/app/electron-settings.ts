// Settings in the shell: electron-store (conf underneath, atomic writes, 0600).
import Store from 'electron-store';
import type { SettingsBackend } from '../core/settings/backend';

export class ElectronStoreSettingsBackend implements SettingsBackend {
  private readonly store: Store<Record<string, unknown>>;
  constructor(dir: string) {
    this.store = new Store<Record<string, unknown>>({ cwd: dir, name: 'settings', configFileMode: 0o600, clearInvalidConfig: true });
  }
  get path(): string {
    return this.store.path;
  }
  read(): Record<string, unknown> {
    return { ...this.store.store };
  }
  write(data: Record<string, unknown>): void {
    this.store.store = data;
  }
}
