// API keys in Electron: encrypted with safeStorage (Keychain / DPAPI / libsecret), ciphertext in
// a 0600 file in the data folder. On Linux, safeStorage may fall back to `basic_text` (a fixed
// key, i.e. plaintext): refused unless the user accepted that risk in Settings.
import { safeStorage } from 'electron';
import { existsSync, readFileSync } from 'node:fs';
import { CourierError } from '../../shared/errors';
import { writePrivateFile } from '../core/secrets/private-file';
import type { SecretStore } from '../core/secrets/store';

export class SafeStorageSecretStore implements SecretStore {
  constructor(
    private readonly file: string,
    private readonly acceptPlaintext: () => boolean,
  ) {}

  get backend(): string {
    return process.platform === 'linux' ? `electron-safe-storage (${safeStorage.getSelectedStorageBackend()})` : 'electron-safe-storage';
  }
  get secure(): boolean {
    return !(process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text');
  }

  private check(): void {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new CourierError(
        'unavailable',
        'The system keychain is not available, so Courier cannot store API keys safely. Unlock or install your keyring and try again.',
      );
    }
    if (!this.secure && !this.acceptPlaintext()) {
      throw new CourierError(
        'unavailable',
        'No keyring was found (Linux safeStorage fell back to basic_text, which is effectively plaintext). Install/unlock gnome-keyring or KWallet, or accept the risk in Settings → Security.',
      );
    }
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }
  private write(data: Record<string, string>): void {
    writePrivateFile(this.file, JSON.stringify(data));
  }

  async get(name: string): Promise<string | null> {
    const blob = this.read()[name];
    if (!blob) return null;
    this.check();
    return safeStorage.decryptString(Buffer.from(blob, 'base64'));
  }
  async set(name: string, secret: string): Promise<void> {
    this.check();
    this.write({ ...this.read(), [name]: safeStorage.encryptString(secret).toString('base64') });
  }
  async delete(name: string): Promise<void> {
    const d = this.read();
    delete d[name];
    this.write(d);
  }
}
