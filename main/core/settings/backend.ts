import Conf from 'conf';

/** Where settings are kept. The Electron shell passes electron-store; core and tests use conf (its base). */
export interface SettingsBackend {
  read(): Record<string, unknown>;
  write(data: Record<string, unknown>): void;
  readonly path: string;
}

/** conf writes atomically (temp file + rename) and we ask for an owner-only file. */
export class ConfSettingsBackend implements SettingsBackend {
  private readonly conf: Conf<Record<string, unknown>>;
  constructor(dir: string) {
    this.conf = new Conf<Record<string, unknown>>({
      cwd: dir,
      configName: 'settings',
      configFileMode: 0o600,
      clearInvalidConfig: true,
      projectName: 'courier',
    });
  }
  get path(): string {
    return this.conf.path;
  }
  read(): Record<string, unknown> {
    return { ...this.conf.store };
  }
  write(data: Record<string, unknown>): void {
    this.conf.store = data;
  }
}
