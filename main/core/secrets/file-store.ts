import { existsSync, readFileSync } from 'node:fs';
import { writePrivateFile } from './private-file';
import type { SecretStore } from './store';

/**
 * A plaintext key file (mode 0600), ONLY when the user opted in (COURIER_KEY_STORE=file or the
 * setting) on a machine with no keychain, such as a headless server. Settings and the CLI say
 * plainly that keys are stored unencrypted.
 */
export class PlaintextFileSecretStore implements SecretStore {
  readonly backend = 'file (plaintext, opted in)';
  readonly secure = false;
  constructor(private readonly file: string) {}
  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }
  private write(data: Record<string, string>): void {
    writePrivateFile(this.file, JSON.stringify(data));
  }
  async get(name: string) {
    return this.read()[name] ?? null;
  }
  async set(name: string, secret: string) {
    this.write({ ...this.read(), [name]: secret });
  }
  async delete(name: string) {
    const d = this.read();
    delete d[name];
    this.write(d);
  }
}
