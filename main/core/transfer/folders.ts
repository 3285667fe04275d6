// Folder structure on both sides: walking a local tree for upload, creating its Rescale
// folders once each (journaled, so a restart neither duplicates nor forgets them), and listing
// a Rescale folder tree for download.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { fail, TransferError } from './errors';
import type { Journal } from './journal';
import type { RemoteFile, RescaleStorage } from './ports';
import type { Semaphore } from './semaphore';

export interface LocalEntry {
  path: string;
  name: string;
  relDir: string; // posix, relative to the parent of the uploaded folder: "proj/sub"
  size: number;
}

/** Files (and every directory, so empty ones are kept) under `root`. Symlinked folders are not followed (no loops). */
export async function walkLocal(root: string): Promise<{ files: LocalEntry[]; dirs: string[] }> {
  const files: LocalEntry[] = [];
  const dirs: string[] = [];
  const top = basename(root);
  const stack: { abs: string; rel: string }[] = [{ abs: root, rel: top }];
  while (stack.length > 0) {
    const d = stack.pop() as { abs: string; rel: string };
    dirs.push(d.rel);
    const entries = await readdir(d.abs, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const abs = join(d.abs, e.name);
      if (e.isDirectory()) {
        stack.push({ abs, rel: `${d.rel}/${e.name}` });
      } else if (e.isFile() || e.isSymbolicLink()) {
        const st = await stat(abs).catch(() => null);
        if (st?.isFile()) files.push({ path: abs, name: e.name, relDir: d.rel, size: st.size });
      }
    }
  }
  return { files, dirs };
}

/** Creates a batch's Rescale folders on demand, parents first, each exactly once. */
export class RemoteFolderTree {
  private readonly ensured = new Map<string, Promise<string>>();

  constructor(
    private readonly batchId: string,
    private readonly parentFolderId: () => Promise<string>,
    private readonly storage: RescaleStorage,
    private readonly journal: Journal,
    private readonly api: Semaphore,
  ) {}

  ensure(relDir: string, signal: AbortSignal): Promise<string> {
    let p = this.ensured.get(relDir);
    if (!p) {
      p = this.create(relDir, signal);
      this.ensured.set(relDir, p);
      p.catch(() => this.ensured.delete(relDir)); // a later item may try again
    }
    return p;
  }

  private async create(relDir: string, signal: AbortSignal): Promise<string> {
    if (relDir === '') return this.parentFolderId();
    const known = this.journal.getFolders(this.batchId).get(relDir);
    if (known) return known;
    const parentRel = posix.dirname(relDir) === '.' ? '' : posix.dirname(relDir);
    const parentId = await this.ensure(parentRel, signal);
    const name = posix.basename(relDir);
    const release = await this.api.acquire(1, signal);
    try {
      // A creation that may have happened before a crash is looked up first, not repeated.
      if (known === null) {
        const found = await this.findChild(parentId, name, signal);
        if (found) return this.record(relDir, found);
      }
      this.journal.putFolder(this.batchId, relDir, null, true);
      try {
        const f = await this.storage.createFolder(parentId, name, signal);
        return this.record(relDir, f.id);
      } catch (e) {
        // "already exists": adopt the existing folder of that name.
        const found = await this.findChild(parentId, name, signal).catch(() => null);
        if (found) return this.record(relDir, found);
        throw e instanceof TransferError ? e : fail('api_error', `Could not create the folder "${name}": ${e instanceof Error ? e.message : String(e)}`);
      }
    } finally {
      release();
    }
  }

  private async findChild(parentId: string, name: string, signal: AbortSignal): Promise<string | null> {
    const l = await this.storage.listFolder(parentId, signal);
    return l.folders.find((f) => f.name === name)?.id ?? null;
  }

  private record(relDir: string, id: string): string {
    this.journal.putFolder(this.batchId, relDir, id, true);
    return id;
  }
}

export interface RemoteEntry {
  file: RemoteFile;
  relDir: string[]; // folder names from the downloaded folder down to the file's folder
}

/** Every file below a Rescale folder, with the folder names leading to it; `onFolder` hears of every sub-folder (empty ones too). */
export async function walkRemote(
  storage: RescaleStorage,
  folderId: string,
  signal?: AbortSignal,
  onFolder?: (relDir: string[]) => void,
): Promise<RemoteEntry[]> {
  const out: RemoteEntry[] = [];
  await walkRemotePages(storage, folderId, { ...(signal ? { signal } : {}), ...(onFolder ? { onFolder } : {}), onFiles: (e) => out.push(...e) });
  return out;
}

export interface RemoteWalk {
  signal?: AbortSignal;
  /** Every sub-folder as it is found, empty ones too. */
  onFolder?: (relDir: string[]) => void;
  /** The files of one listing page, as soon as it arrives. */
  onFiles: (entries: RemoteEntry[]) => void;
}

/**
 * Lists a Rescale folder tree a page at a time, four folders at once, so whoever downloads it
 * starts on the first page while the rest is still being listed (a folder of 20,000 files is
 * 20 pages, 10 s under the platform's 2 calls a second). A folder reached twice is listed once.
 */
export async function walkRemotePages(storage: RescaleStorage, folderId: string, w: RemoteWalk): Promise<void> {
  const queue: { id: string; rel: string[] }[] = [{ id: folderId, rel: [] }];
  const seen = new Set<string>([folderId]);
  const listOne = async (q: { id: string; rel: string[] }): Promise<void> => {
    for await (const page of storage.listFolderPages(q.id, w.signal)) {
      if (page.files.length > 0) w.onFiles(page.files.map((file) => ({ file, relDir: q.rel })));
      for (const sub of page.folders) {
        if (seen.has(sub.id)) continue;
        seen.add(sub.id);
        queue.push({ id: sub.id, rel: [...q.rel, sub.name] });
        w.onFolder?.([...q.rel, sub.name]);
      }
    }
  };
  while (queue.length > 0) await Promise.all(queue.splice(0, 4).map(listOne));
}
