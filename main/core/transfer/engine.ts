// The scheduler: owns the in-memory items, the priority queue, the file slots, pause /
// resume / cancel, and the progress tick. Jobs (upload-job, download-job) do the work through
// the worker pool; the engine only decides what runs and records what happened.
import { rm } from 'node:fs/promises';
import { effectiveRate, validateSetting } from './bandwidth';
import { CredentialCache } from './credentials';
import { runDownload } from './download-job';
import { LocalDirs } from './local-dirs';
import { TransferError, toErrorInfo } from './errors';
import { RemoteFolderTree } from './folders';
import { LiveItem, type JobCtx } from './item';
import type { ItemRow, Journal } from './journal';
import type { TransferPool } from './pool';
import type { RescaleStorage, UploadTarget } from './ports';
import { FileSlots } from './file-slots';
import { RegistrationLookup } from './registrations';
import { ProgressFeed } from './progress-feed';
import type { NetworkOptions } from '../net/dispatcher';
import { TaskRunner, type NetworkRoute, type RetryPolicy, DEFAULT_RETRY } from './runner';
import { Semaphore } from './semaphore';
import { TERMINAL, type Limits, type LimitsInput, type ProgressBatch, type TransferNoticeCode, type TransferState, type TransferView } from './types';
import { runUpload } from './upload-job';
import { UploadLeftovers } from './upload-leftovers';

interface SettleWaiter {
  ids: string[];
  pending: Set<string>;
  resolve: (v: TransferView[]) => void;
}

/** The notice on a transfer held because another account is active. */
export const OTHER_ACCOUNT: TransferNoticeCode = 'other_account';

export class TransferEngine implements JobCtx {
  readonly items = new Map<string, LiveItem>();
  readonly runner: TaskRunner;
  private readonly creds: CredentialCache;
  /** The active account; undefined until told (embedders without accounts never are). */
  account: string | null | undefined = undefined;
  readonly memory: Semaphore;
  readonly api: Semaphore;
  private readonly queue: LiveItem[] = [];
  /** What `parallelFiles` counts; a small file takes a quarter of a slot (file-slots.ts). */
  private readonly slots = new FileSlots();
  private readonly settleWaiters = new Map<string, Set<SettleWaiter>>();
  /** Views, coalesced progress batches and the overall numbers. */
  readonly feed: ProgressFeed;
  private readonly trees = new Map<string, RemoteFolderTree>();
  private nextSeqNo: number;
  private scheduleTimer: NodeJS.Timeout | null = null;
  private target: Promise<UploadTarget> | null = null;
  private readonly dirs = new LocalDirs();
  private closed = false;
  /** Items counted in the overall numbers: everything not already finished when we started. */
  private readonly history = new Set<string>();
  /** Open multipart uploads of uploads that ended without a file: aborted in the background. */
  readonly leftovers: UploadLeftovers;
  /** Finds registrations whose answer was lost (a crash, a dropped connection). */
  readonly lookup: RegistrationLookup;

  constructor(
    readonly journal: Journal,
    readonly pool: TransferPool,
    readonly storage: RescaleStorage,
    private lim: Limits,
    private readonly now: () => number,
    retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.creds = new CredentialCache(storage, now);
    this.runner = new TaskRunner(pool, this.creds, retry);
    this.leftovers = new UploadLeftovers(journal, this.runner);
    this.memory = new Semaphore(lim.maxBufferedBytes);
    this.api = new Semaphore(lim.apiConcurrency);
    this.feed = new ProgressFeed(this.items, (it) => this.counted(it), () => storage.registrationPace?.() ?? null);
    this.lookup = new RegistrationLookup(storage);
    this.nextSeqNo = journal.maxSeq() + 1;
    for (const row of journal.loadItems()) this.adoptRow(row, true);
    this.applyBandwidth();
    this.scheduleTimer = setInterval(() => this.applyBandwidth(), 30_000);
    this.scheduleTimer.unref();
    queueMicrotask(() => this.pump()); // transfers interrupted by a crash or close continue
    void this.leftovers.sweep(); // and uploads abandoned before then are aborted
  }

  // ------------------------------------------------------------------ loading & adding
  private adoptRow(row: ItemRow, fromJournal: boolean): LiveItem {
    if (fromJournal && (row.state === 'running' || row.state === 'verifying')) row.state = 'queued'; // interrupted: continue
    const it = new LiveItem(row);
    if (row.state === 'done') it.committed = row.size;
    else it.committed = row.bytesDone;
    this.items.set(row.id, it);
    if (fromJournal && TERMINAL.has(row.state)) this.history.add(row.id);
    if (this.counted(it) && row.kind === 'upload') this.feed.regs.move(null, row.state);
    if (this.counted(it) && row.state !== 'cancelled') {
      this.feed.totalBytes += row.size;
      if (row.state === 'done') this.feed.doneBytes += row.size;
    }
    if (row.parentId) {
      const b = this.items.get(row.parentId);
      b?.children.push(row.id);
      b?.countChild(null, row.state);
      if (b && row.state === 'done') b.childDoneBytes += row.size;
    }
    if (row.state === 'queued' && !row.isBatch) this.enqueue(it);
    return it;
  }

  private counted(it: LiveItem): boolean {
    return !it.row.isBatch && !this.history.has(it.id);
  }

  /** An upload's file turned out to have another size than when it was queued. */
  resize(it: LiveItem, size: number): void {
    if (this.counted(it) && it.row.state !== 'cancelled') this.feed.totalBytes += size - it.row.size;
    const b = it.row.parentId ? this.items.get(it.row.parentId) : undefined;
    if (b) b.row.size += size - it.row.size;
    it.row.size = size;
    this.journal.updateItem(it.id, { size });
  }

  nextSeq(): number {
    return this.nextSeqNo++;
  }

  /** Rows are journaled (durably) by the caller first. */
  add(rows: ItemRow[]): TransferView[] {
    const views: TransferView[] = [];
    for (const r of rows) {
      const it = this.adoptRow(r, false);
      this.feed.markDirty(it, false);
      views.push(this.feed.view(it));
    }
    for (const r of rows) if (r.isBatch) this.maybeSettleBatch(r.id);
    this.pump();
    return views;
  }

  // ------------------------------------------------------------------ queue & scheduling
  private enqueue(it: LiveItem): void {
    // Sorted by priority (high first), then age; binary search keeps 10,000 enqueues cheap.
    const key = (x: LiveItem): [number, number] => [-x.row.priority, x.row.seq];
    const [p, s] = key(it);
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const [mp, ms] = key(this.queue[mid] as LiveItem);
      if (mp < p || (mp === p && ms < s)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, it);
  }

  private dequeue(it: LiveItem): void {
    const i = this.queue.indexOf(it);
    if (i >= 0) this.queue.splice(i, 1);
  }

  pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      const it = this.queue[0] as LiveItem;
      if (it.row.state === 'queued' && !this.slots.fits(it.row.size, this.lim.parallelFiles)) break; // keeps priority order
      this.queue.shift();
      if (it.row.state !== 'queued') continue;
      if (!this.owns(it)) {
        this.holdForAccount(it);
        continue;
      }
      this.start(it);
    }
  }

  /** Whether the item may run now: it belongs to the active account (or to none). */
  private owns(it: LiveItem): boolean {
    return this.account === undefined || it.row.accountId === null || it.row.accountId === this.account;
  }

  private holdForAccount(it: LiveItem): void {
    this.notice(it, OTHER_ACCOUNT, 'Paused: this transfer belongs to another account. Switch back to that account to continue it.');
    this.setState(it, 'paused');
  }

  /** Proxy and CA for S3 traffic; the next attempt of every task uses them. */
  setNetwork(n: NetworkOptions | undefined): void {
    this.runner.network = n;
  }

  setRoute(route: NetworkRoute): void {
    this.runner.route = route;
  }

  setAccount(id: string | null): void {
    if (id === this.account) return;
    this.account = id;
    // Cached keys and the upload target were the previous account's.
    this.creds.clear();
    this.target = null;
    for (const it of this.items.values()) {
      if (it.row.isBatch) continue;
      if (!this.owns(it) && (it.row.state === 'queued' || it.row.state === 'running' || it.row.state === 'verifying')) {
        const waiting = it.row.state === 'queued';
        this.pause(it.id);
        if (waiting) this.holdForAccount(it);
        else it.holdWhenStopped = true; // still stopping: finish() marks it
      } else if (this.owns(it) && it.row.state === 'paused' && it.row.noticeCode === OTHER_ACCOUNT) {
        this.clearNotice(it);
        this.resume(it.id);
      } else if (this.owns(it) && it.holdWhenStopped) {
        it.holdWhenStopped = false; // switched back before it had stopped
        this.resume(it.id);
      }
    }
    this.pump();
  }

  private start(it: LiveItem): void {
    this.slots.take(it.id, it.row.size);
    it.resumedCounting = !it.startedHere;
    it.startedHere = true;
    it.controller = new AbortController();
    it.stopReason = null;
    it.committed = 0;
    it.meter.reset();
    this.setState(it, 'running');
    this.feed.startTicking();
    const signal = it.controller.signal;
    const job = it.row.kind === 'upload' ? runUpload(it, this, signal) : runDownload(it, this, signal);
    it.job = job.then(
      () => this.finish(it, null),
      (e: unknown) => this.finish(it, e),
    );
  }

  releaseSlot(it: LiveItem): void {
    if (this.slots.release(it.id)) this.pump();
  }

  private async finish(it: LiveItem, e: unknown): Promise<void> {
    it.live.clear();
    it.controller = null;
    it.job = null;
    const reason = it.stopReason;
    it.stopReason = null;
    if (e === null) {
      it.committed = it.row.size;
      this.setState(it, 'done');
    } else if (reason === 'pause') {
      if (it.holdWhenStopped) {
        it.holdWhenStopped = false;
        this.holdForAccount(it);
      }
      this.setState(it, 'paused');
      if (it.resumeWhenStopped) {
        it.resumeWhenStopped = false;
        this.setState(it, 'queued');
        this.enqueue(it);
      }
    } else if (reason === 'cancel') {
      await this.cleanup(it);
      this.setState(it, 'cancelled');
    } else if (reason === 'close') {
      // leave it 'running' in the journal: the next start continues it
    } else {
      const info = e instanceof TransferError ? e.info() : toErrorInfo(e);
      it.row.errorCode = info.code;
      it.row.errorMessage = info.message;
      this.journal.updateItem(it.id, { errorCode: info.code, errorMessage: info.message });
      this.setState(it, 'failed');
      // A failure a retry may get past (the network, down for longer than the runner's retries)
      // keeps the stored parts and the sealed key, so Retry resumes instead of sending a large
      // file again from byte 0; cancelling the failed item releases them. Anything else is final.
      if (it.row.kind === 'upload' && !info.retryable) this.leftovers.release(it.id);
    }
    this.releaseSlot(it);
  }

  private async cleanup(it: LiveItem): Promise<void> {
    if (it.row.kind === 'upload') {
      // Deleting the row lists its open multipart upload (if any) for the background abort.
      if (this.journal.getUpload(it.id)) {
        this.journal.deleteUpload(it.id);
        void this.leftovers.sweep();
      }
    } else {
      const d = this.journal.getDownload(it.id);
      if (d) await rm(d.tempPath, { force: true }).catch(() => undefined);
      this.journal.deleteDownload(it.id);
    }
  }

  // ------------------------------------------------------------------ state changes
  setState(it: LiveItem, state: TransferState): void {
    const from = it.row.state;
    if (from === state) return;
    const batch = it.row.parentId ? this.items.get(it.row.parentId) : undefined;
    batch?.countChild(from, state);
    const moving = state === 'running' || state === 'verifying';
    if (!it.row.isBatch) {
      if (moving) {
        this.feed.active.add(it);
        batch?.activeChildren.add(it);
      } else {
        this.feed.active.delete(it);
        batch?.activeChildren.delete(it);
      }
      if (state === 'done') {
        if (batch) batch.childDoneBytes += it.row.size;
        if (this.counted(it)) this.feed.doneBytes += it.row.size;
      }
      if (this.counted(it) && (state === 'cancelled') !== (from === 'cancelled')) this.feed.totalBytes += state === 'cancelled' ? -it.row.size : it.row.size;
      if (this.counted(it) && it.row.kind === 'upload') this.feed.regs.move(from, state);
    }
    it.row.state = state;
    const patch: Partial<ItemRow> = { state, bytesDone: it.bytesDone() };
    // A download's key leaves the journal when the item ends (a retry gets it back, from memory
    // or from the platform) and is sealed into it again when a retry queues the item.
    if (TERMINAL.has(state) && it.row.kind === 'download') patch.fileKey = null;
    else if (TERMINAL.has(from) && it.row.fileKey) patch.fileKey = it.row.fileKey;
    if (state === 'done') it.row.fileKey = null;
    if (state === 'queued' || state === 'running') {
      it.row.errorCode = null;
      it.row.errorMessage = null;
      patch.errorCode = null;
      patch.errorMessage = null;
    }
    // Not durable by itself: what must survive a crash (registration marks, "finalizing", parts)
    // is committed where it happens; a lost "done" only makes a restart re-check the item.
    this.journal.updateItem(it.id, patch);
    this.feed.markDirty(it, TERMINAL.has(state));
    if (it.row.parentId) this.maybeSettleBatch(it.row.parentId);
    if (TERMINAL.has(state)) this.settled(it.id);
  }

  notice(it: LiveItem, code: TransferNoticeCode, message: string): void {
    it.row.noticeCode = code;
    it.row.noticeMessage = message;
    this.journal.updateItem(it.id, { noticeCode: code, noticeMessage: message });
    this.feed.markDirty(it, false);
  }

  private clearNotice(it: LiveItem): void {
    it.row.noticeCode = null;
    it.row.noticeMessage = null;
    this.journal.updateItem(it.id, { noticeCode: null, noticeMessage: null });
    this.feed.markDirty(it, false);
  }

  /** A batch's state follows its items; an upload batch is done once its folders all exist. */
  private maybeSettleBatch(batchId: string): void {
    const b = this.items.get(batchId);
    if (!b) return;
    const n = (s: TransferState): number => b.childCount(s);
    const total = b.children.length;
    let state: TransferState;
    if (n('running') + n('verifying') > 0) state = 'running';
    else if (n('queued') > 0) state = 'queued';
    else if (n('paused') > 0) state = 'paused';
    else if (n('failed') > 0) state = 'failed';
    else if (total > 0 && n('cancelled') === total) state = 'cancelled';
    else state = 'done';
    if (state === 'failed') {
      b.row.errorCode = 'items_failed';
      b.row.errorMessage = `${n('failed')} of ${total} files failed`;
    }
    if (state === 'done' && b.row.kind === 'upload' && b.row.state !== 'done') {
      if (b.row.state !== 'verifying') {
        this.setState(b, 'verifying');
        void this.createAllFolders(b).then(
          () => this.setState(b, 'done'),
          (e: unknown) => {
            const info = toErrorInfo(e);
            b.row.errorCode = info.code;
            b.row.errorMessage = info.message;
            this.setState(b, 'failed');
          },
        );
      }
      return;
    }
    this.setState(b, state);
  }

  private async createAllFolders(b: LiveItem): Promise<void> {
    const dirs = JSON.parse(b.row.remoteJson ?? '[]') as string[];
    const tree = this.treeFor(b);
    const ac = new AbortController();
    for (const d of dirs) await tree.ensure(d, ac.signal);
  }

  // ------------------------------------------------------------------ JobCtx
  limits(): Limits {
    return this.lim;
  }

  noteResumed(it: LiveItem, bytes: number): void {
    if (it.resumedCounting) it.resumedBytes += bytes;
  }

  /** Bytes of these items that earlier processes had already transferred (see LiveItem.resumedBytes). */
  resumedBytes(ids: string[]): number {
    return ids.reduce((n, id) => n + (this.items.get(id)?.resumedBytes ?? 0), 0);
  }

  sweepUploads(): void {
    void this.leftovers.sweep();
  }

  ensureDir(dir: string): Promise<void> {
    return this.dirs.ensure(dir);
  }

  syncDirSoon(dir: string): void {
    this.dirs.syncSoon(dir);
  }

  uploadTarget(signal: AbortSignal): Promise<UploadTarget> {
    if (!this.target) {
      this.target = this.storage.uploadTarget(signal);
      this.target.catch(() => (this.target = null));
    }
    return this.target;
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

  async folderFor(it: LiveItem, signal: AbortSignal): Promise<string> {
    const batch = it.row.parentId ? this.items.get(it.row.parentId) : undefined;
    if (batch && it.row.relDir !== null) return this.treeFor(batch).ensure(it.row.relDir, signal);
    return this.baseFolder(it, signal);
  }

  // ------------------------------------------------------------------ controls
  private targets(id?: string): LiveItem[] {
    if (id === undefined) return [...this.items.values()].filter((i) => !i.row.isBatch);
    const it = this.items.get(id);
    if (!it) throw new Error(`unknown transfer ${id}`);
    return it.row.isBatch ? it.children.map((c) => this.items.get(c)).filter((x): x is LiveItem => Boolean(x)) : [it];
  }

  pause(id?: string): void {
    for (const it of this.targets(id)) {
      if (it.row.state === 'queued') {
        this.dequeue(it);
        this.setState(it, 'paused');
      } else if ((it.row.state === 'running' || it.row.state === 'verifying') && it.controller && it.stopReason === null) {
        it.stopReason = 'pause';
        it.controller.abort(new Error('paused'));
      } else if (it.stopReason === 'pause') {
        it.resumeWhenStopped = false;
      }
    }
  }

  resume(id?: string): void {
    for (const it of this.targets(id)) {
      if (it.row.state === 'paused') {
        this.setState(it, 'queued');
        this.enqueue(it);
      } else if (it.stopReason === 'pause') {
        it.resumeWhenStopped = true; // still stopping: queue it again once it has
      }
    }
    this.pump();
  }

  cancel(id?: string): void {
    for (const it of this.targets(id)) {
      if (it.row.state === 'queued' || it.row.state === 'paused' || it.row.state === 'failed') {
        this.dequeue(it);
        void this.cleanup(it).finally(() => this.setState(it, 'cancelled'));
      } else if ((it.row.state === 'running' || it.row.state === 'verifying') && it.controller) {
        it.stopReason = 'cancel'; // also overrides a pause still winding down
        it.resumeWhenStopped = false;
        it.controller.abort(new Error('cancelled'));
      }
    }
  }

  retry(id: string): void {
    for (const it of this.targets(id)) {
      // A name the server sent that cannot be a local file name fails the same way every time.
      if (it.row.noticeCode === 'not_retryable') continue;
      if (it.row.state === 'failed' || it.row.state === 'cancelled') {
        this.setState(it, 'queued');
        this.enqueue(it);
      }
    }
    this.pump();
  }

  setLimits(l: LimitsInput): void {
    if (l.bandwidth) validateSetting(l.bandwidth);
    const next: Limits = { ...this.lim, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
    if (next.partSizeBytes % 16 !== 0 || next.partSizeBytes < 5 * 1024 * 1024) throw new Error('partSizeBytes must be a multiple of 16 and at least 5 MiB');
    if (next.parallelFiles < 1 || next.partsPerFile < 1) throw new Error('parallelFiles and partsPerFile must be at least 1');
    this.lim = next;
    this.memory.setCapacity(next.maxBufferedBytes);
    this.api.setCapacity(next.apiConcurrency);
    this.applyBandwidth();
    this.pump();
  }

  private applyBandwidth(): void {
    this.pool.bandwidth.setRate(effectiveRate(this.lim.bandwidth, new Date(this.now())));
  }

  // ------------------------------------------------------------------ views & settling
  list(): { seq: number; items: TransferView[] } {
    return this.feed.list();
  }

  onProgress(cb: (b: ProgressBatch) => void): () => void {
    return this.feed.onProgress(cb);
  }

  whenSettled(ids: string[]): Promise<TransferView[]> {
    for (const id of ids) if (!this.items.has(id)) return Promise.reject(new Error(`unknown transfer ${id}`));
    return new Promise((resolve) => {
      const w: SettleWaiter = { ids, pending: new Set(ids.filter((id) => !TERMINAL.has((this.items.get(id) as LiveItem).row.state))), resolve };
      if (w.pending.size === 0) {
        resolve(ids.map((id) => this.feed.view(this.items.get(id) as LiveItem)));
        return;
      }
      for (const id of w.pending) {
        let set = this.settleWaiters.get(id);
        if (!set) this.settleWaiters.set(id, (set = new Set()));
        set.add(w);
      }
    });
  }

  /** O(waiters of this item), so 10,000 items settling against one waiter stays linear. */
  private settled(id: string): void {
    const set = this.settleWaiters.get(id);
    if (!set) return;
    this.settleWaiters.delete(id);
    for (const w of set) {
      w.pending.delete(id);
      if (w.pending.size === 0) w.resolve(w.ids.map((x) => this.feed.view(this.items.get(x) as LiveItem)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.feed.close();
    await this.dirs.flush();
    const jobs: Promise<void>[] = [];
    for (const it of this.items.values()) {
      if (it.controller && it.job) {
        it.stopReason = 'close';
        it.controller.abort(new Error('closing'));
        jobs.push(it.job);
      }
    }
    await Promise.allSettled(jobs);
    await this.leftovers.close();
    for (const it of this.items.values()) {
      if (!it.row.isBatch && !TERMINAL.has(it.row.state)) this.journal.updateItem(it.id, { bytesDone: it.bytesDone() });
    }
    this.journal.close();
    await this.pool.close();
  }
}

