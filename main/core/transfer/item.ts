// The in-memory side of one queued transfer, and what a running job may ask of the service.
import type { Journal, ItemRow } from './journal';
import type { Running, TransferPool } from './pool';
import type { RescaleStorage, UploadTarget } from './ports';
import { SpeedMeter } from './progress';
import type { TaskRunner } from './runner';
import type { Semaphore } from './semaphore';
import { TERMINAL, type Limits, type TransferNoticeCode, type TransferState } from './types';
import type { Op } from './worker/protocol';
import type { RegistrationLookup } from './registrations';

/** A download batch's remoteJson while its folder's listing has not ended (journaled: a restart sees it; folder-download.ts). */
export const LISTING_OPEN = '{"listing":"open"}';
/**
 * A download batch's remoteJson once the user cancelled it before its listing ended: files are
 * missing from it, so it never reads as done, and a retry lists the rest (a restart does not).
 */
export const LISTING_CANCELLED = '{"listing":"cancelled"}';

export class LiveItem {
  /** Bytes finished outside the tasks currently in flight. */
  committed = 0;
  /**
   * Bytes an earlier process had already moved (stored parts, written ranges, a placed or
   * registered file), found when this process first ran the item: not transferred again.
   */
  resumedBytes = 0;
  /** Whether this process has started the item before (only its first start finds resumed bytes). */
  startedHere = false;
  /** Set at each start: true only for the first one in this process. */
  resumedCounting = false;
  readonly live = new Set<Running<Op>>();
  readonly meter = new SpeedMeter();
  controller: AbortController | null = null;
  stopReason: 'pause' | 'cancel' | 'close' | null = null;
  /** resume() arrived while a pause was still winding the job down. */
  resumeWhenStopped = false;
  /** Being paused because the account changed: becomes "held for its account" once stopped. */
  holdWhenStopped = false;
  job: Promise<void> | null = null;
  /** Batch only: ids of its items, and how many are in each state. */
  readonly children: string[] = [];
  readonly childStates = new Map<TransferState, number>();
  /** Batch only: sizes of finished items, and the items moving now (kept incrementally: O(1) per change). */
  childDoneBytes = 0;
  readonly activeChildren = new Set<LiveItem>();
  /**
   * Download batch only: its folder is still being listed ('listing'), the listing waits for the
   * batch's account to be the active one again ('held'), stopped on an error ('unlisted') or was
   * cancelled ('cancelled'); null once every file is in the batch. Each keeps the batch from
   * reading as done while files may be missing from it.
   */
  listing: 'listing' | 'held' | 'unlisted' | 'cancelled' | null = null;
  /** Batch only: paused as a whole; files its listing adds later join it paused. */
  holdNew = false;

  constructor(public row: ItemRow) {
    if (row.isBatch && row.kind === 'download')
      this.listing = row.remoteJson === LISTING_OPEN ? 'listing' : row.remoteJson === LISTING_CANCELLED ? 'cancelled' : null;
  }

  get id(): string {
    return this.row.id;
  }

  /** Moves the row to `state`; gives what the journal must record of the change. */
  enter(state: TransferState): Partial<ItemRow> {
    const from = this.row.state;
    this.row.state = state;
    const patch: Partial<ItemRow> = { state, bytesDone: this.bytesDone() };
    // A download's key leaves the journal when the item ends (a retry gets it back, from memory
    // or from the platform) and is sealed into it again when a retry queues the item.
    if (TERMINAL.has(state) && this.row.kind === 'download') patch.fileKey = null;
    else if (TERMINAL.has(from) && this.row.fileKey) patch.fileKey = this.row.fileKey;
    if (state === 'done') this.row.fileKey = null;
    if (state === 'queued' || state === 'running') {
      this.row.errorCode = null;
      this.row.errorMessage = null;
      patch.errorCode = null;
      patch.errorMessage = null;
    }
    return patch;
  }

  bytesDone(): number {
    let n = this.committed;
    for (const r of this.live) n += r.progress();
    return Math.min(this.row.size, n);
  }

  /** A batch takes in one of its items (loaded or added). */
  adoptChild(row: ItemRow): void {
    this.children.push(row.id);
    this.countChild(null, row.state);
    if (row.state === 'done') this.childDoneBytes += row.size;
  }

  countChild(from: TransferState | null, to: TransferState): void {
    if (from) this.childStates.set(from, (this.childStates.get(from) ?? 1) - 1);
    this.childStates.set(to, (this.childStates.get(to) ?? 0) + 1);
  }

  childCount(s: TransferState): number {
    return this.childStates.get(s) ?? 0;
  }

  /** A batch's state as its items make it: moving, waiting, paused, failed, all cancelled, or done. */
  batchState(): TransferState {
    const n = (s: TransferState): number => this.childCount(s);
    if (n('running') + n('verifying') > 0) return 'running';
    if (this.listing === 'listing') return this.holdNew ? 'paused' : 'running';
    if (this.listing === 'held') return 'paused';
    if (n('queued') > 0) return 'queued';
    if (n('paused') > 0) return 'paused';
    if (n('failed') > 0 || this.listing === 'unlisted') return 'failed';
    if (this.listing === 'cancelled' || (this.children.length > 0 && n('cancelled') === this.children.length)) return 'cancelled';
    return 'done';
  }

  /** The job found `bytes` already transferred by an earlier process (counted at the first start only). */
  noteResumed(bytes: number): void {
    if (this.resumedCounting) this.resumedBytes += bytes;
  }

  track<K extends Op>(r: Running<K> | null, prev: { r: Running<K> | null }): void {
    if (prev.r) this.live.delete(prev.r as unknown as Running<Op>);
    prev.r = r;
    if (r) this.live.add(r as unknown as Running<Op>);
  }
}

/** What a job tells the scheduler while it runs. */
export interface JobReporter {
  notice(item: LiveItem, code: TransferNoticeCode, message: string): void;
  setState(item: LiveItem, state: TransferState): void;
  resize(item: LiveItem, size: number): void;
  /** The job finished its file I/O: the scheduler may start another file while it registers. */
  releaseSlot(item: LiveItem): void;
}

/** What every run holds: its item, the shared services, where it reports, and the signal that stops it. */
export interface RunScope {
  readonly item: LiveItem;
  readonly svc: JobCtx;
  readonly report: JobReporter;
  readonly signal: AbortSignal;
}

/** The shared services a running job works with (JobServices holds them). */
export interface JobCtx {
  journal: Journal;
  runner: TaskRunner;
  pool: TransferPool;
  storage: RescaleStorage;
  limits(): Limits;
  /** Encrypted bytes held in memory, across all transfers. */
  memory: Semaphore;
  /** Registrations and folder creations in flight. */
  api: Semaphore;
  /** Registrations looked up by object key, one folder listing shared by many files. */
  lookup: RegistrationLookup;
  uploadTarget(signal: AbortSignal): Promise<UploadTarget>;
  /** The remote folder an upload registers into (creates batch folders on demand). */
  folderFor(item: LiveItem, signal: AbortSignal): Promise<string>;
  /** mkdir -p, once per directory per session. */
  ensureDir(dir: string): Promise<void>;
  /** fsync a directory after renames in it, coalesced (one sync for many files placed together). */
  syncDirSoon(dir: string): void;
  /** Aborts, in the background, the multipart uploads the journal lists as abandoned. */
  sweepUploads(): void;
}
