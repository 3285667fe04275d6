// The public transfer service: what the IPC contract, the UI, the CLI and the jobs outbox use.
// Every enqueue is committed to the journal before its promise resolves.
import { resolve } from 'node:path';
import type { NetworkOptions } from '../net/dispatcher';
import { TransferEngine } from './engine';
import { FolderDownloads, type FolderDownloadOptions } from './folder-download';
import { Journal, type ItemRow } from './journal';
import { TransferPool } from './pool';
import type { RemoteFile, RescaleStorage } from './ports';
import type { NetworkRoute, RetryPolicy } from './runner';
import type { Sealer } from './sealer';
import { downloadRow, rowMaker, uploadRows } from './transfer-rows';
import { DEFAULT_LIMITS, type ConflictPolicy, type Limits, type LimitsInput, type ProgressBatch, type TransferView } from './types';

export type { TransferView, ProgressBatch, LimitsInput, ConflictPolicy } from './types';

export interface DownloadOptions {
  conflict?: ConflictPolicy;
  priority?: number;
  /** Recreate `relativePath` (job outputs) under the target folder instead of a flat list. */
  preserveRelativePaths?: boolean;
}

export interface TransferService {
  enqueueUpload(paths: string[], opts?: { folderId?: string; priority?: number }): Promise<TransferView[]>;
  enqueueDownload(files: RemoteFile[] | string[], dir: string, opts?: DownloadOptions): Promise<TransferView[]>;
  /**
   * A whole Rescale folder, its subfolders recreated under `dir`. Its files start downloading
   * page by page as the folder is listed; resolves once it is listed, with the batch view first,
   * then its files (folder-download.ts).
   */
  enqueueDownloadFolder(folderId: string, dir: string, opts?: FolderDownloadOptions): Promise<TransferView[]>;
  /** As enqueueDownloadFolder, but resolves with the batch's view once the batch exists (FolderDownloads.begin). */
  beginDownloadFolder(folderId: string, dir: string, opts?: FolderDownloadOptions): Promise<TransferView | null>;
  pause(id?: string): void;
  resume(id?: string): void;
  cancel(id?: string): void;
  retry(id: string): void;
  list(): { seq: number; items: TransferView[] };
  onProgress(cb: (batch: ProgressBatch) => void): () => void;
  whenSettled(ids: string[]): Promise<TransferView[]>;
  setLimits(l: LimitsInput): void;
  /**
   * The account now active (null: none). New transfers belong to it; transfers of another
   * account are held (paused, with a notice) until it is active again, so nothing is resumed,
   * registered or uploaded under the wrong account after a switch.
   */
  setAccount(id: string | null): void;
  /** The proxy and CA settings for S3 traffic (the API client's come from the same settings). */
  setNetwork(n: NetworkOptions | undefined): void;
  /**
   * Aborts the multipart uploads of transfers that ended without a file (failed, cancelled, or
   * restarted) and waits for those already under way; resolves with how many are still open
   * because the storage could not be reached. Whoever deletes a journal asks this first.
   */
  abortAbandoned(): Promise<number>;
  /**
   * Bytes of these items that an earlier process had already transferred and this one did not
   * move again (stored parts, written ranges, a file already placed or registered).
   */
  resumedBytes(ids: string[]): number;
  /** Starts the worker threads ahead of the first transfer (optional). */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export interface TransferServiceOptions {
  storage: RescaleStorage;
  journalPath: string;
  sealer: Sealer;
  workerCount?: number;
  /** Worker module; defaults to the tsx bootstrap next to this file (the Electron build passes its bundle). */
  workerFile?: string;
  /** Default true: see PoolOptions.directIo. */
  directIo?: boolean;
  /** Default true: see PoolOptions.socketGet. */
  socketGet?: boolean;
  /**
   * A pool started ahead of the service (the CLI starts its threads with the process, so they
   * boot while the main thread loads); the service owns and closes it. workerFile, workerCount
   * and directIo are then the pool's.
   */
  pool?: TransferPool;
  limits?: LimitsInput;
  /** The active account at start (see setAccount); omitted: transfers are not bound to accounts. */
  account?: string | null;
  /** Proxy and CA for S3 traffic at start (see setNetwork); omitted: direct. */
  network?: NetworkOptions;
  /** Refines the options for one S3 origin (the "system" proxy as the OS answers for it). */
  route?: NetworkRoute;
  retry?: Partial<RetryPolicy>;
  now?: () => number;
}

export async function createTransferService(opts: TransferServiceOptions): Promise<TransferService> {
  const journal = Journal.open(opts.journalPath, opts.sealer);
  const pool =
    opts.pool ??
    new TransferPool({
      ...(opts.workerFile ? { workerFile: opts.workerFile } : {}),
      ...(opts.workerCount ? { workerCount: opts.workerCount } : {}),
      ...(opts.directIo !== undefined ? { directIo: opts.directIo } : {}),
      ...(opts.socketGet !== undefined ? { socketGet: opts.socketGet } : {}),
    });
  const now = opts.now ?? Date.now;
  const limits: Limits = { ...DEFAULT_LIMITS };
  const engine = new TransferEngine(journal, pool, opts.storage, limits, now, { attempts: 10, baseMs: 200, capMs: 15_000, ...opts.retry });
  if (opts.limits) engine.setLimits(opts.limits);
  // Before the engine's first pump (a microtask), so no journaled transfer of another account starts.
  if (opts.account !== undefined) engine.setAccount(opts.account);
  if (opts.network) engine.services.setNetwork(opts.network);
  if (opts.route) engine.services.setRoute(opts.route);

  const row = rowMaker(
    () => engine.nextSeq(),
    () => engine.account ?? null,
    now,
  );
  const folders = new FolderDownloads({ storage: opts.storage, engine, journal, row });
  folders.resumeAll(); // listings a crash or a close cut short (before the engine's first pump)
  const commit = (rows: ItemRow[]): TransferView[] => {
    journal.insertItems(rows);
    return engine.add(rows);
  };

  return {
    async enqueueUpload(paths, o = {}) {
      return commit(await uploadRows(row, paths, o.priority ?? 0, o.folderId ?? null));
    },

    async enqueueDownload(files, dir, o = {}) {
      const records = await resolveFiles(opts.storage, files);
      const rows = records.map((f) => downloadRow(row, f, resolve(dir), o, null));
      return commit(rows);
    },

    enqueueDownloadFolder: (folderId, dir, o = {}) => folders.start(folderId, dir, o),
    beginDownloadFolder: (folderId, dir, o = {}) => folders.begin(folderId, dir, o),

    pause: (id) => {
      folders.hold(id, true);
      engine.pause(id);
    },
    resume: (id) => {
      folders.hold(id, false);
      engine.resume(id);
    },
    cancel: (id) => {
      if (id !== undefined) folders.cancel(id);
      else folders.cancelAll();
      engine.cancel(id);
    },
    retry: (id) => {
      folders.resume(id); // a batch whose listing failed lists the rest
      engine.retry(id);
    },
    list: () => engine.list(),
    onProgress: (cb) => engine.onProgress(cb),
    whenSettled: (ids) => engine.whenSettled(ids),
    setLimits: (l) => engine.setLimits(l),
    setAccount: (id) => {
      if (engine.setAccount(id)) folders.accountChanged(); // a listing runs under its batch's account only
    },
    setNetwork: (n) => engine.services.setNetwork(n),
    abortAbandoned: () => engine.services.leftovers.sweep(),
    resumedBytes: (ids) => engine.resumedBytes(ids),
    warm: () => pool.warm(),
    close: async () => {
      await folders.close();
      await engine.close();
    },
  };
}

/** File ids are looked up a few at a time (the API client paces them); records are used as given. */
async function resolveFiles(storage: RescaleStorage, files: RemoteFile[] | string[]): Promise<RemoteFile[]> {
  const out: RemoteFile[] = new Array<RemoteFile>(files.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      const f = files[i] as RemoteFile | string;
      out[i] = typeof f === 'string' ? await storage.getFile(f) : f;
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, files.length) }, worker));
  return out;
}
