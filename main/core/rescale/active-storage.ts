import type { AccountService } from '../accounts/service';
import type { RegisterFileRequest, RemoteFile, RescaleStorage } from '../transfer/ports';
import { RescaleStorageAdapter } from './storage';

/**
 * The transfer engine's RescaleStorage for the whole app: every call goes to the active
 * account's adapter (one per account, so credentials are cached per account and dropped
 * when that account signs out).
 */
export class ActiveAccountStorage implements RescaleStorage {
  private readonly adapters = new Map<string, { apiUrl: string; adapter: RescaleStorageAdapter }>();
  /** The adapter of the latest call (the pace is asked for synchronously, ten times a second). */
  private last: RescaleStorageAdapter | null = null;

  constructor(private readonly accounts: AccountService) {
    accounts.onForget((id) => this.adapters.delete(id));
  }

  private async current(): Promise<RescaleStorageAdapter> {
    const session = await this.accounts.session();
    const cached = this.adapters.get(session.account.id);
    // A sandbox restarts on new ports: rebuild the adapter when the platform moved.
    if (cached && cached.apiUrl === session.platform.apiUrl) return (this.last = cached.adapter);
    const adapter = new RescaleStorageAdapter(session.api, session.platform);
    this.adapters.set(session.account.id, { apiUrl: session.platform.apiUrl, adapter });
    return (this.last = adapter);
  }

  registrationPace(): number | null {
    return this.last?.registrationPace() ?? null;
  }

  async uploadTarget(signal?: AbortSignal) {
    return (await this.current()).uploadTarget(signal);
  }
  async credentials(forFile?: RemoteFile, signal?: AbortSignal) {
    return (await this.current()).credentials(forFile, signal);
  }
  async registerFile(req: RegisterFileRequest, signal?: AbortSignal) {
    return (await this.current()).registerFile(req, signal);
  }
  async createFolder(parentId: string, name: string, signal?: AbortSignal) {
    return (await this.current()).createFolder(parentId, name, signal);
  }
  async getFile(id: string, signal?: AbortSignal) {
    return (await this.current()).getFile(id, signal);
  }
  async listFolder(folderId: string, signal?: AbortSignal) {
    return (await this.current()).listFolder(folderId, signal);
  }
  async *listFolderPages(folderId: string, signal?: AbortSignal) {
    yield* (await this.current()).listFolderPages(folderId, signal);
  }
}
