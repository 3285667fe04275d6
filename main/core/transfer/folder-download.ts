// A Rescale folder downloaded as a batch of its files. The batch and its files are journaled
// page by page as the folder is listed, so the first files download while later pages are still
// on their way (the platform serves 1,000 entries a call at 2 calls a second). A listing that
// did not end (a crash, a closed app, a network that stayed down) is taken up again from the
// start, adding only the files the batch does not have yet; until it ends, the batch never
// reads as done.
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { toErrorInfo, TransferError } from './errors';
import { OTHER_ACCOUNT, type TransferEngine } from './engine';
import { walkRemotePages, type RemoteEntry } from './folders';
import { LISTING_CANCELLED, LISTING_OPEN, type LiveItem } from './item';
import type { ItemRow, Journal } from './journal';
import { checkSegment, safeJoin } from './names';
import type { RescaleStorage } from './ports';
import type { DownloadOptions } from './service';
import { downloadRow, type RowMaker } from './transfer-rows';
import type { TransferView } from './types';

export type FolderDownloadOptions = Omit<DownloadOptions, 'preserveRelativePaths'> & { name?: string };

interface Deps {
  storage: RescaleStorage;
  engine: TransferEngine;
  journal: Journal;
  row: RowMaker;
}

export class FolderDownloads {
  /** Listings under way, by batch id. */
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void>; row: ItemRow }>();

  constructor(private readonly d: Deps) {}

  /**
   * Lists `folderId` into a new batch under `dir`; resolves with the batch's view first, then its
   * files', once the whole folder is listed (files found early are downloading by then). A listing
   * that fails before its first file adds nothing; one that fails later leaves the batch failing
   * with that error (its files go on; a retry lists the rest).
   */
  async start(folderId: string, dir: string, o: FolderDownloadOptions, onBatch?: (batchId: string) => void): Promise<TransferView[]> {
    const root = resolve(dir);
    const batch = this.d.row({
      kind: 'download',
      name: o.name ?? basename(root),
      localPath: root,
      size: 0,
      priority: o.priority ?? 0,
      isBatch: true,
      remoteFileId: folderId,
      conflict: o.conflict ?? null,
      remoteJson: LISTING_OPEN,
    });
    let added = false;
    const addBatch = (): void => {
      if (added) return;
      added = true;
      this.d.journal.insertItems([batch]);
      this.d.engine.add([batch]); // reads as listing (its marker) until the listing ends
      onBatch?.(batch.id);
    };
    try {
      await this.list(batch, new Set(), addBatch);
    } catch (e) {
      if (!added) throw e;
      // The files already found stay in the batch; the caller hears why the rest are not.
      throw e instanceof TransferError ? e : new TransferError(toErrorInfo(e));
    }
    const views = this.d.engine.list().items;
    const mine = views.filter((v) => v.parentId === batch.id);
    const own = views.find((v) => v.id === batch.id);
    return own ? [own, ...mine] : mine;
  }

  /**
   * As `start`, but resolves with the batch's view as soon as the batch exists (with the first
   * page that has files), while the rest of the folder is listed: a folder of 20,000 files is
   * 10 s of listing under the platform's limits, too long for a click to go unanswered. A failure
   * before then rejects; a later one is the batch's (it fails saying so). Null: cancelled before
   * any file was found.
   */
  begin(folderId: string, dir: string, o: FolderDownloadOptions): Promise<TransferView | null> {
    return new Promise((ok, fail) => {
      const view = (id: string) => {
        const it = this.d.engine.items.get(id);
        return it ? this.d.engine.feed.view(it) : null;
      };
      this.start(folderId, dir, o, (id) => ok(view(id))).then((views) => ok(views[0] ?? null), fail);
    });
  }

  /**
   * Takes up the listing of every batch journaled with its listing open (at start, in the
   * background). A batch of another account than the active one is held: the listing goes
   * through the active account's API key, to which its folder id means nothing.
   */
  resumeAll(): void {
    for (const it of this.d.engine.items.values()) if (it.row.isBatch && it.row.kind === 'download' && it.row.remoteJson === LISTING_OPEN) this.resume(it.id);
  }

  /**
   * The active account changed: a listing under way for a batch of another account stops (held,
   * its marker kept), and a held one of the account now active is taken up again.
   */
  accountChanged(): void {
    for (const r of this.running.values()) if (!this.d.engine.owns(r)) r.controller.abort(new Error('account'));
    for (const it of [...this.d.engine.items.values()]) if (it.listing === 'held' && this.d.engine.owns(it)) this.resume(it.id);
  }

  /**
   * Lists a batch's folder again, adding the files it does not have yet: a restart, a retry after
   * the listing failed or was cancelled, or its account active again. A batch of another account
   * is held until that account is the active one.
   */
  resume(batchId: string): boolean {
    const it = this.d.engine.items.get(batchId);
    const marker = it?.row.remoteJson;
    if (!it || !it.row.isBatch || (marker !== LISTING_OPEN && marker !== LISTING_CANCELLED) || this.running.has(batchId)) return false;
    if (!this.d.engine.owns(it)) {
      this.setListing(batchId, 'held', marker === LISTING_CANCELLED ? { remoteJson: LISTING_OPEN } : {});
      return true;
    }
    const known = new Set<string>();
    for (const c of it.children) {
      const id = this.d.engine.items.get(c)?.row.remoteFileId;
      if (id) known.add(id);
    }
    this.setListing(batchId, 'listing', marker === LISTING_CANCELLED ? { remoteJson: LISTING_OPEN } : {});
    void this.list(it.row, known, () => undefined).catch(() => undefined); // failures are recorded on the batch
    return true;
  }

  /**
   * Stops the batch's listing: it lists nothing more, now or at the next start, and reads as
   * cancelled (files are missing from it); a retry lists the rest.
   */
  cancel(batchId: string): void {
    const r = this.running.get(batchId);
    if (r)
      r.controller.abort(new Error('cancelled')); // its end marks the batch
    else if (this.d.engine.items.get(batchId)?.row.remoteJson === LISTING_OPEN) this.setListing(batchId, 'cancelled', { remoteJson: LISTING_CANCELLED });
  }

  /** A batch paused as a whole (or everything paused) keeps the files its listing finds later paused too. */
  hold(id: string | undefined, hold: boolean): void {
    for (const b of id === undefined ? this.d.engine.items.values() : [this.d.engine.items.get(id)]) {
      if (!b?.row.isBatch || b.holdNew === hold) continue;
      b.holdNew = hold;
      if (b.listing === 'listing') this.d.engine.maybeSettleBatch(b.id);
    }
  }

  /** Everything cancelled: every listing stops, also one whose batch does not exist yet (no page with files so far). */
  cancelAll(): void {
    for (const id of [...this.running.keys()]) this.cancel(id);
    for (const it of [...this.d.engine.items.values()]) if (it.row.isBatch) this.cancel(it.id);
  }

  /** Stops every listing and waits for them; their batches keep the marker, so the next start lists again. */
  async close(): Promise<void> {
    for (const r of this.running.values()) r.controller.abort(new Error('closing'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private async list(batch: ItemRow, known: Set<string>, addBatch: () => void): Promise<void> {
    const controller = new AbortController();
    const folders: string[][] = [];
    const opts: FolderDownloadOptions = {
      priority: batch.priority,
      ...(batch.conflict ? { conflict: batch.conflict as NonNullable<DownloadOptions['conflict']> } : {}),
    };
    const onFiles = (entries: RemoteEntry[]): void => {
      if (controller.signal.aborted) return; // a page that arrived as the batch was cancelled
      const fresh = entries.filter((e) => !known.has(e.file.id));
      if (fresh.length === 0) return;
      for (const e of fresh) known.add(e.file.id);
      addBatch();
      // The batch's account, not the active one: a listing taken up again belongs to whoever started it.
      const rows = fresh.map((e) => ({ ...downloadRow(this.d.row, e.file, batch.localPath, opts, batch.id, e.relDir), accountId: batch.accountId }));
      this.extendBatch(batch.id, rows);
    };
    const done = (async () => {
      await walkRemotePages(this.d.storage, batch.remoteFileId ?? '', { signal: controller.signal, onFolder: (rel) => folders.push(rel), onFiles });
      // The tree's folders are made now, so empty ones are there too (a case folder's empty
      // output folders, which a solver may expect); files make their own folders as they land.
      if (known.size > 0) await makeFolders(batch.localPath, folders);
    })();
    this.running.set(batch.id, { controller, done: done.catch(() => undefined), row: batch });
    try {
      await done;
      addBatch(); // an empty folder, or one with only empty sub-folders: a batch of no files, done
      this.setListing(batch.id, null, { remoteJson: null });
    } catch (e) {
      const why = controller.signal.aborted ? String((controller.signal.reason as Error | undefined)?.message) : null;
      // Sub-folders still being listed beside the one that failed add nothing more (a retry lists them).
      if (!why) controller.abort(new Error('failed'));
      if (why === 'cancelled') {
        this.setListing(batch.id, 'cancelled', { remoteJson: LISTING_CANCELLED });
        return; // what the user asked for: not an error
      }
      if (why === 'account') {
        // Its account is no longer the active one: held (the batch made now if no page had files
        // yet, so the user's request is not lost), and listed again once that account is active
        // (checked after `finally` has let go of the listing: a switch back may have come first).
        addBatch();
        this.setListing(batch.id, 'held');
        queueMicrotask(() => {
          const it = this.d.engine.items.get(batch.id);
          if (it && this.d.engine.owns(it)) this.resume(batch.id);
        });
        return;
      }
      if (why !== 'closing') {
        const info = toErrorInfo(e);
        this.setListing(batch.id, 'unlisted', { errorCode: info.code, errorMessage: info.message });
      }
      throw e;
    } finally {
      this.running.delete(batch.id);
    }
  }

  /** Files the listing found join the batch: journaled first, counted, sized, and paused if the batch is. */
  private extendBatch(batchId: string, rows: ItemRow[]): void {
    const b = this.d.engine.items.get(batchId);
    if (!b) return;
    if (b.holdNew) for (const r of rows) if (r.state === 'queued') r.state = 'paused';
    b.row.size += rows.reduce((a, r) => a + r.size, 0);
    this.d.journal.insertItems(rows);
    this.d.journal.updateItem(batchId, { size: b.row.size });
    this.d.engine.add(rows);
    this.d.engine.feed.markDirty(b, false);
  }

  /**
   * 'listing': the batch reads as moving; null: every file is in it (`journaled` says so, durably);
   * 'unlisted': the listing stopped on the error in `journaled`, and the batch fails with it once
   * its files have settled; 'cancelled': the user stopped it, and the batch reads as cancelled.
   */
  private setListing(batchId: string, listing: LiveItem['listing'], journaled: Partial<ItemRow> = {}): void {
    const b = this.d.engine.items.get(batchId);
    if (!b) return;
    b.listing = listing;
    Object.assign(b.row, journaled);
    // The files say so one by one; the batch says why its listing waits (and stops saying it).
    if (listing === 'held')
      this.d.engine.notice(b, OTHER_ACCOUNT, 'Paused: this folder is being listed for another account. Switch back to that account to continue it.');
    else if (b.row.noticeCode === OTHER_ACCOUNT) this.d.engine.clearNotice(b);
    // A change of the marker is durable at once: it decides whether the next start lists again.
    if (Object.keys(journaled).length > 0) this.d.journal.updateItem(batchId, journaled, 'remoteJson' in journaled);
    this.d.engine.maybeSettleBatch(batchId);
    this.d.engine.feed.markDirty(b, false);
  }
}

/**
 * Makes each folder below `root`; one whose name cannot be a local folder is left out (the files in
 * it fail one by one, naming why).
 */
async function makeFolders(root: string, folders: string[][]): Promise<void> {
  for (const rel of folders) {
    let path: string;
    try {
      for (const s of rel) checkSegment(s);
      path = safeJoin(root, rel);
    } catch {
      continue;
    }
    await mkdir(path, { recursive: true }).catch((e: unknown) => {
      throw new TransferError(toErrorInfo(e, path));
    });
  }
}
