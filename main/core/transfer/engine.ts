// The scheduler: owns the in-memory items, the run queue, the file slots, pause / resume /
// cancel, and the progress feed. Jobs (upload-job, download-job) do the work with JobServices
// (pool, journal, platform, limits) and report back through JobReporter; the engine only
// decides what runs and records what happened.
import { DownloadRun } from './download-job';
import { TransferError, toErrorInfo } from './errors';
import { LiveItem, type JobReporter } from './item';
import { JobServices } from './job-services';
import type { ItemRow, Journal } from './journal';
import type { TransferPool } from './pool';
import type { RescaleStorage } from './ports';
import { RunQueue } from './run-queue';
import { SettleWaiters } from './settle-waiters';
import { FileSlots } from './file-slots';
import { ProgressFeed } from './progress-feed';
import { type RetryPolicy, DEFAULT_RETRY } from './runner';
import { TERMINAL, type Limits, type LimitsInput, type ProgressBatch, type TransferNoticeCode, type TransferState, type TransferView } from './types';
import { UploadRun } from './upload-job';

/** The notice on a transfer held because another account is active. */
export const OTHER_ACCOUNT: TransferNoticeCode = 'other_account';

export class TransferEngine implements JobReporter {
  readonly items = new Map<string, LiveItem>();
  /** What jobs work with (pool, journal, platform, limits); they report back to this engine. */
  readonly services: JobServices;
  /** The active account; undefined until told (embedders without accounts never are). */
  account: string | null | undefined = undefined;
  private readonly queue = new RunQueue();
  /** What `parallelFiles` counts; a small file takes a quarter of a slot (file-slots.ts). */
  private readonly slots = new FileSlots();
  private readonly settleWaiters = new SettleWaiters<TransferView>((id) => this.feed.view(this.items.get(id) as LiveItem));
  /** Views, coalesced progress batches and the overall numbers. */
  readonly feed: ProgressFeed;
  private nextSeqNo: number;
  private scheduleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Items counted in the overall numbers: everything not already finished when we started. */
  private readonly history = new Set<string>();

  constructor(
    private readonly journal: Journal,
    pool: TransferPool,
    storage: RescaleStorage,
    lim: Limits,
    now: () => number,
    retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.services = new JobServices(journal, pool, storage, lim, now, retry, (id) => this.items.get(id));
    this.feed = new ProgressFeed(
      this.items,
      (it) => this.counted(it),
      () => storage.registrationPace?.() ?? null,
    );
    this.nextSeqNo = journal.maxSeq() + 1;
    for (const row of journal.loadItems()) this.adoptRow(row, true);
    this.scheduleTimer = setInterval(() => this.services.applyBandwidth(), 30_000);
    this.scheduleTimer.unref();
    queueMicrotask(() => {
      // A download batch reads as its files (and its listing) do: its journaled state may be a moment stale.
      for (const it of this.items.values()) if (it.row.isBatch && it.row.kind === 'download') this.maybeSettleBatch(it.id);
      this.pump(); // transfers interrupted by a crash or close continue
    });
    void this.services.leftovers.sweep(); // and uploads abandoned before then are aborted
  }

  // ------------------------------------------------------------------ loading & adding
  private adoptRow(row: ItemRow, fromJournal: boolean): LiveItem {
    if (fromJournal && (row.state === 'running' || row.state === 'verifying')) row.state = 'queued'; // interrupted: continue
    const it = new LiveItem(row);
    if (row.state === 'done') it.committed = row.size;
    else it.committed = row.bytesDone;
    this.items.set(row.id, it);
    if (fromJournal && TERMINAL.has(row.state)) this.history.add(row.id);
    this.feed.adopt(it);
    if (row.parentId) this.items.get(row.parentId)?.adoptChild(row);
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
    this.queue.add(it);
  }

  private dequeue(it: LiveItem): void {
    this.queue.remove(it);
  }

  pump(): void {
    if (this.closed) return;
    while (this.queue.length > 0) {
      const it = this.queue.peek() as LiveItem;
      if (it.row.state === 'queued' && !this.slots.fits(it.row.size, this.services.limits().parallelFiles)) break; // keeps priority order
      this.queue.shift();
      if (it.row.state !== 'queued') continue;
      if (!this.owns(it)) {
        this.holdForAccount(it);
        continue;
      }
      this.start(it);
    }
  }

  /** Whether the item (or a listing's batch row) may run now: it belongs to the active account or to none. */
  owns(it: { row: Pick<ItemRow, 'accountId'> }): boolean {
    return this.account === undefined || it.row.accountId === null || it.row.accountId === this.account;
  }

  private holdForAccount(it: LiveItem): void {
    this.notice(it, OTHER_ACCOUNT, 'Paused: this transfer belongs to another account. Switch back to that account to continue it.');
    this.setState(it, 'paused');
  }

  /** Makes `id` the active account; false if it already was (the app calls this on every settings change). */
  setAccount(id: string | null): boolean {
    if (id === this.account) return false;
    this.account = id;
    this.services.forgetAccount();
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
    return true;
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
    const job = (it.row.kind === 'upload' ? new UploadRun(it, this.services, this, signal) : new DownloadRun(it, this.services, this, signal)).run();
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
      await this.services.discardWork(it);
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
      if (it.row.kind === 'upload' && !info.retryable) this.services.leftovers.release(it.id);
    }
    this.releaseSlot(it);
  }

  // ------------------------------------------------------------------ state changes
  setState(it: LiveItem, state: TransferState): void {
    const from = it.row.state;
    if (from === state) return;
    const batch = it.row.parentId ? this.items.get(it.row.parentId) : undefined;
    batch?.countChild(from, state);
    const moving = state === 'running' || state === 'verifying';
    if (!it.row.isBatch) {
      this.feed.moved(it, from, state);
      if (moving) batch?.activeChildren.add(it);
      else batch?.activeChildren.delete(it);
      if (state === 'done' && batch) batch.childDoneBytes += it.row.size;
    }
    // Not durable by itself: what must survive a crash (registration marks, "finalizing", parts)
    // is committed where it happens; a lost "done" only makes a restart re-check the item.
    this.journal.updateItem(it.id, it.enter(state));
    this.feed.markDirty(it, TERMINAL.has(state));
    if (it.row.parentId) this.maybeSettleBatch(it.row.parentId);
    if (TERMINAL.has(state)) this.settleWaiters.settled(it.id);
  }

  notice(it: LiveItem, code: TransferNoticeCode, message: string): void {
    it.row.noticeCode = code;
    it.row.noticeMessage = message;
    this.journal.updateItem(it.id, { noticeCode: code, noticeMessage: message });
    this.feed.markDirty(it, false);
  }

  clearNotice(it: LiveItem): void {
    it.row.noticeCode = null;
    it.row.noticeMessage = null;
    this.journal.updateItem(it.id, { noticeCode: null, noticeMessage: null });
    this.feed.markDirty(it, false);
  }

  /** A batch's state follows its items (and its listing); an upload batch is done once its folders all exist. */
  maybeSettleBatch(batchId: string): void {
    const b = this.items.get(batchId);
    if (!b) return;
    const state = b.batchState();
    if (state === 'failed' && b.listing !== 'unlisted') {
      b.row.errorCode = 'items_failed';
      b.row.errorMessage = `${b.childCount('failed')} of ${b.children.length} files failed`;
    }
    if (state === 'done' && b.row.kind === 'upload' && b.row.state !== 'done') {
      if (b.row.state !== 'verifying') {
        this.setState(b, 'verifying');
        void this.services.createAllFolders(b).then(
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

  /** Bytes of these items that earlier processes had already transferred (see LiveItem.resumedBytes). */
  resumedBytes(ids: string[]): number {
    return ids.reduce((n, id) => n + (this.items.get(id)?.resumedBytes ?? 0), 0);
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
        void this.services.discardWork(it).finally(() => this.setState(it, 'cancelled'));
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
    this.services.setLimits(l);
    this.pump();
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
    return this.settleWaiters.wait(
      ids,
      ids.filter((id) => !TERMINAL.has((this.items.get(id) as LiveItem).row.state)),
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.feed.close();
    await this.services.flushDirs();
    const jobs: Promise<void>[] = [];
    for (const it of this.items.values()) {
      if (it.controller && it.job) {
        it.stopReason = 'close';
        it.controller.abort(new Error('closing'));
        jobs.push(it.job);
      }
    }
    await Promise.allSettled(jobs);
    await this.services.leftovers.close();
    for (const it of this.items.values()) {
      if (!it.row.isBatch && !TERMINAL.has(it.row.state)) this.journal.updateItem(it.id, { bytesDone: it.bytesDone() });
    }
    this.journal.close();
    await this.services.pool.close();
  }
}
