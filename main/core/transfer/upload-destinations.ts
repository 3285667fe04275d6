// Where uploads land on the platform: the account's upload target (root folder, storage), asked
// once and shared, and one folder tree per folder upload (its sub-folders made once each).
import { RemoteFolderTree } from './folders';
import type { LiveItem } from './item';
import type { Journal } from './journal';
import type { RescaleStorage, UploadTarget } from './ports';
import type { Semaphore } from './semaphore';

export class UploadDestinations {
  private target: Promise<UploadTarget> | null = null;
  private readonly trees = new Map<string, RemoteFolderTree>();

  constructor(
    private readonly storage: RescaleStorage,
    private readonly journal: Journal,
    private readonly api: Semaphore,
    private readonly itemOf: (id: string) => LiveItem | undefined,
  ) {}

  /** Forgets the target (another account became active). */
  reset(): void {
    this.target = null;
  }

  uploadTarget(signal: AbortSignal): Promise<UploadTarget> {
    if (!this.target) {
      this.target = this.storage.uploadTarget(signal);
      this.target.catch(() => (this.target = null));
    }
    return this.target;
  }

  /** The folder one file goes into: its batch's sub-folder, or the item's (or account's) folder. */
  async folderFor(it: LiveItem, signal: AbortSignal): Promise<string> {
    const batch = it.row.parentId ? this.itemOf(it.row.parentId) : undefined;
    if (batch && it.row.relDir !== null) return this.treeFor(batch).ensure(it.row.relDir, signal);
    return this.baseFolder(it, signal);
  }

  /**
   * Every folder of a folder upload, empty ones included (the batch is done once they exist). The
   * uploaded folder's own id becomes the batch's remote id, so it can be named (and downloaded again).
   */
  async createAll(batch: LiveItem): Promise<void> {
    const dirs = JSON.parse(batch.row.remoteJson ?? '[]') as string[];
    const tree = this.treeFor(batch);
    const ac = new AbortController();
    const ids = new Map<string, string>();
    for (const d of dirs) ids.set(d, await tree.ensure(d, ac.signal));
    const top = ids.get(dirs[0] ?? ''); // walkLocal lists the uploaded folder itself first
    if (top && batch.row.remoteFileId !== top) {
      batch.row.remoteFileId = top;
      this.journal.updateItem(batch.id, { remoteFileId: top });
    }
  }

  private treeFor(batch: LiveItem): RemoteFolderTree {
    let t = this.trees.get(batch.id);
    if (!t) {
      const ac = new AbortController();
      t = new RemoteFolderTree(batch.id, () => this.baseFolder(batch, ac.signal), this.storage, this.journal, this.api);
      this.trees.set(batch.id, t);
    }
    return t;
  }

  private async baseFolder(it: LiveItem, signal: AbortSignal): Promise<string> {
    return it.row.folderId ?? (await this.uploadTarget(signal)).rootFolderId;
  }
}
