// The scheduler: owns the in-memory items, the priority queue, the file slots, pause /
// resume / cancel, and the progress tick. Jobs (upload-job, download-job) do the work through
// the worker pool; the engine only decides what runs and records what happened.
import { mkdir, rm } from 'node:fs/promises';
import { effectiveRate, validateSetting } from './bandwidth';
import { CredentialCache } from './credentials';
import { runDownload, syncDir } from './download-job';
import { TransferError, toErrorInfo } from './errors';
import { RemoteFolderTree } from './folders';
import { LiveItem, type JobCtx } from './item';
import type { ItemRow, Journal } from './journal';
import type { TransferPool } from './pool';
import type { RescaleStorage, UploadTarget } from './ports';
import { Coalescer, eta, SpeedMeter } from './progress';
import type { NetworkOptions } from '../net/dispatcher';
import { TaskRunner, type RetryPolicy, DEFAULT_RETRY } from './runner';
import { Semaphore } from './semaphore';
import { MIB, TERMINAL, type Limits, type LimitsInput, type ProgressBatch, type TransferState, type TransferView } from './types';
import { abortUpload, runUpload } from './upload-job';

const mono = (): number => performance.now();

interface SettleWaiter {
  ids: string[];
  pending: Set<string>;
  resolve: (v: TransferView[]) => void;
}

/** The notice on a transfer held because another account is active. */
export const OTHER_ACCOUNT = 'other_account';

export class TransferEngine implements JobCtx {
  readonly items = new Map<string, LiveItem>();
  readonly runner: TaskRunner;
  private readonly creds: CredentialCache;
  /** The active account; undefined until told (embedders without accounts never are). */
  account: string | null | undefined = undefined;
  readonly memory: Semaphore;
  readonly api: Semaphore;
  private readonly queue: LiveItem[] = [];
  /** File slots in use, by item: a small file takes a quarter of one (see slotWeight). */
  private readonly slotsHeld = new Map<string, number>();
  private slotsUsed = 0;
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<(b: ProgressBatch) => void>();
  private readonly settleWaiters = new Map<string, Set<SettleWaiter>>();
  /** Items moving now (running or verifying); the 10 Hz tick looks at these only. */
  private readonly active = new Set<LiveItem>();
  /** Overall numbers, kept incrementally (10,000 items must not be summed 10 times a second). */
  private totalBytes = 0;
  private doneBytes = 0;
  private readonly trees = new Map<string, RemoteFolderTree>();
  private readonly overallMeter = new SpeedMeter();
  private readonly coalescer: Coalescer;
  private seq = 0;
  private nextSeqNo: number;
  private tickTimer: NodeJS.Timeout | null = null;
  private scheduleTimer: NodeJS.Timeout | null = null;
  private target: Promise<UploadTarget> | null = null;
  private readonly dirs = new Map<string, Promise<void>>();
  private readonly dirSyncs = new Map<string, NodeJS.Timeout>();
  private closed = false;
  /** Items counted in the overall numbers: everything not already finished when we started. */
  private readonly history = new Set<string>();

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
    this.memory = new Semaphore(lim.maxBufferedBytes);
    this.api = new Semaphore(lim.apiConcurrency);
    this.coalescer = new Coalescer(() => this.emit(), mono);
    this.nextSeqNo = journal.maxSeq() + 1;
    for (const row of journal.loadItems()) this.adoptRow(row, true);
    this.applyBandwidth();
    this.scheduleTimer = setInterval(() => this.applyBandwidth(), 30_000);
    this.scheduleTimer.unref();
    queueMicrotask(() => this.pump()); // transfers interrupted by a crash or close continue
  }

  // ------------------------------------------------------------------ loading & adding
  private adoptRow(row: ItemRow, fromJournal: boolean): LiveItem {
    if (fromJournal && (row.state === 'running' || row.state === 'verifying')) row.state = 'queued'; // interrupted: continue
    const it = new LiveItem(row);
    if (row.state === 'done') it.committed = row.size;
    else it.committed = row.bytesDone;
    this.items.set(row.id, it);
    if (fromJournal && TERMINAL.has(row.state)) this.history.add(row.id);
    if (this.counted(it) && row.state !== 'cancelled') {
      this.totalBytes += row.size;
      if (row.state === 'done') this.doneBytes += row.size;
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
    if (this.counted(it) && it.row.state !== 'cancelled') this.totalBytes += size - it.row.size;
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
      this.dirty.add(r.id);
      views.push(this.view(it));
    }
    for (const r of rows) if (r.isBatch) this.maybeSettleBatch(r.id);
    this.coalescer.poke(false);
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
      if (it.row.state === 'queued' && this.slotsUsed + slotWeight(it) > this.lim.parallelFiles) break; // keeps priority order
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
    const w = slotWeight(it);
    this.slotsHeld.set(it.id, w);
    this.slotsUsed += w;
    it.controller = new AbortController();
    it.stopReason = null;
    it.committed = 0;
    it.meter.reset();
    this.setState(it, 'running');
    this.ensureTick();
    const signal = it.controller.signal;
    const job = it.row.kind === 'upload' ? runUpload(it, this, signal) : runDownload(it, this, signal);
    it.job = job.then(
      () => this.finish(it, null),
      (e: unknown) => this.finish(it, e),
    );
  }

  releaseSlot(it: LiveItem): void {
    const w = this.slotsHeld.get(it.id);
    if (w === undefined) return;
    this.slotsHeld.delete(it.id);
    this.slotsUsed = this.slotsHeld.size === 0 ? 0 : this.slotsUsed - w; // no float drift when idle
    this.pump();
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
    }
    this.releaseSlot(it);
  }

  private async cleanup(it: LiveItem): Promise<void> {
    if (it.row.kind === 'upload') {
      const u = this.journal.getUpload(it.id);
      if (u?.uploadId) await abortUpload(u, this);
      this.journal.deleteUpload(it.id);
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
        this.active.add(it);
        batch?.activeChildren.add(it);
      } else {
        this.active.delete(it);
        batch?.activeChildren.delete(it);
      }
      if (state === 'done') {
        if (batch) batch.childDoneBytes += it.row.size;
        if (this.counted(it)) this.doneBytes += it.row.size;
      }
      if (this.counted(it) && (state === 'cancelled') !== (from === 'cancelled')) this.totalBytes += state === 'cancelled' ? -it.row.size : it.row.size;
    }
    it.row.state = state;
    const patch: Partial<ItemRow> = { state, bytesDone: it.bytesDone() };
    if (state === 'queued' || state === 'running') {
      it.row.errorCode = null;
      it.row.errorMessage = null;
      patch.errorCode = null;
      patch.errorMessage = null;
    }
    // Not durable by itself: what must survive a crash (registration marks, "finalizing", parts)
    // is committed where it happens; a lost "done" only makes a restart re-check the item.
    this.journal.updateItem(it.id, patch);
    this.markDirty(it, TERMINAL.has(state));
    if (it.row.parentId) this.maybeSettleBatch(it.row.parentId);
    if (TERMINAL.has(state)) this.settled(it.id);
  }

  notice(it: LiveItem, code: string, message: string): void {
    it.row.noticeCode = code;
    it.row.noticeMessage = message;
    this.journal.updateItem(it.id, { noticeCode: code, noticeMessage: message });
    this.markDirty(it, false);
  }

  private clearNotice(it: LiveItem): void {
    it.row.noticeCode = null;
    it.row.noticeMessage = null;
    this.journal.updateItem(it.id, { noticeCode: null, noticeMessage: null });
    this.markDirty(it, false);
  }

  private markDirty(it: LiveItem, terminal: boolean): void {
    this.dirty.add(it.id);
    if (it.row.parentId) this.dirty.add(it.row.parentId);
    this.coalescer.poke(terminal);
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

  ensureDir(dir: string): Promise<void> {
    let p = this.dirs.get(dir);
    if (!p) {
      p = mkdir(dir, { recursive: true }).then(() => undefined);
      this.dirs.set(dir, p);
      p.catch(() => this.dirs.delete(dir));
    }
    return p;
  }

  syncDirSoon(dir: string): void {
    if (this.dirSyncs.has(dir)) return;
    const t = setTimeout(() => {
      this.dirSyncs.delete(dir);
      void syncDir(dir);
    }, 50);
    this.dirSyncs.set(dir, t);
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
      if (it.row.state === 'queued' || it.row.state === 'paused') {
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

  // ------------------------------------------------------------------ views & progress
  view(it: LiveItem): TransferView {
    const r = it.row;
    const t = mono();
    const active = r.state === 'running' || r.state === 'verifying';
    const bytesDone = r.isBatch ? this.batchBytes(it) : r.state === 'done' ? r.size : it.bytesDone();
    const bps = r.isBatch ? this.batchSpeed(it, t) : active ? it.meter.value(t) : 0;
    return {
      id: r.id,
      kind: r.kind,
      name: r.name,
      localPath: r.localPath,
      ...(r.remoteFileId ? { remoteFileId: r.remoteFileId } : {}),
      size: r.size,
      bytesDone,
      bytesPerSecond: Math.round(bps),
      etaSeconds: r.state === 'done' ? 0 : active ? eta(r.size - bytesDone, bps) : null,
      state: r.state,
      ...(r.errorCode && (r.state === 'failed' || r.isBatch) ? { error: { code: r.errorCode, message: r.errorMessage ?? '' } } : {}),
      ...(r.noticeCode ? { notice: { code: r.noticeCode, message: r.noticeMessage ?? '' } } : {}),
      priority: r.priority,
      createdAt: r.createdAt,
      ...(r.parentId ? { parentId: r.parentId } : {}),
      ...(r.isBatch ? { isBatch: true } : {}),
    };
  }

  private batchBytes(b: LiveItem): number {
    let n = b.childDoneBytes;
    for (const it of b.activeChildren) n += it.bytesDone();
    return n;
  }

  private batchSpeed(b: LiveItem, t: number): number {
    let n = 0;
    for (const it of b.activeChildren) n += it.meter.value(t);
    return n;
  }

  list(): { seq: number; items: TransferView[] } {
    return { seq: this.seq, items: [...this.items.values()].map((i) => this.view(i)) };
  }

  onProgress(cb: (b: ProgressBatch) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private ensureTick(): void {
    if (this.tickTimer) return;
    this.tickTimer = setInterval(() => this.tick(), 100);
    this.tickTimer.unref();
  }

  /** 10 Hz: sample byte counters of running items, feed the speed meters, mark them dirty. */
  private tick(): void {
    const t = mono();
    let any = false;
    for (const it of this.active) {
      it.meter.sample(it.bytesDone(), t);
      this.dirty.add(it.id);
      if (it.row.parentId) this.dirty.add(it.row.parentId);
      any = true;
    }
    this.overallMeter.sample(this.overallBytes().done, t);
    if (any) this.coalescer.poke(false);
    else if (this.tickTimer) {
      clearInterval(this.tickTimer);
      this.tickTimer = null;
    }
  }

  private overallBytes(): { done: number; total: number; active: number } {
    let done = this.doneBytes;
    for (const it of this.active) if (this.counted(it)) done += it.bytesDone();
    return { done, total: this.totalBytes, active: this.active.size };
  }

  private emit(): void {
    if (this.dirty.size === 0) return;
    this.seq++;
    if (this.listeners.size === 0) {
      this.dirty.clear();
      return;
    }
    const items: TransferView[] = [];
    for (const id of this.dirty) {
      const it = this.items.get(id);
      if (it) items.push(this.view(it));
    }
    this.dirty.clear();
    const o = this.overallBytes();
    const bps = o.active > 0 ? this.overallMeter.value(mono()) : 0;
    const batch: ProgressBatch = {
      seq: this.seq,
      items,
      overall: { bytesDone: o.done, bytesTotal: o.total, bytesPerSecond: Math.round(bps), etaSeconds: o.active > 0 ? eta(o.total - o.done, bps) : null, active: o.active },
    };
    for (const l of this.listeners) l(batch);
  }

  whenSettled(ids: string[]): Promise<TransferView[]> {
    for (const id of ids) if (!this.items.has(id)) return Promise.reject(new Error(`unknown transfer ${id}`));
    return new Promise((resolve) => {
      const w: SettleWaiter = { ids, pending: new Set(ids.filter((id) => !TERMINAL.has((this.items.get(id) as LiveItem).row.state))), resolve };
      if (w.pending.size === 0) {
        resolve(ids.map((id) => this.view(this.items.get(id) as LiveItem)));
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
      if (w.pending.size === 0) w.resolve(w.ids.map((x) => this.view(this.items.get(x) as LiveItem)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    this.coalescer.close();
    for (const [dir, t] of this.dirSyncs) {
      clearTimeout(t);
      await syncDir(dir);
    }
    this.dirSyncs.clear();
    const jobs: Promise<void>[] = [];
    for (const it of this.items.values()) {
      if (it.controller && it.job) {
        it.stopReason = 'close';
        it.controller.abort(new Error('closing'));
        jobs.push(it.job);
      }
    }
    await Promise.allSettled(jobs);
    for (const it of this.items.values()) {
      if (!it.row.isBatch && !TERMINAL.has(it.row.state)) this.journal.updateItem(it.id, { bytesDone: it.bytesDone() });
    }
    this.journal.close();
    await this.pool.close();
  }
}

/** A file this small is one request each way (no parts), so its time is mostly round trips. */
export const SMALL_FILE_BYTES = MIB;

/**
 * Small files take a quarter of a file slot: their time is latency, not bandwidth, so the
 * default 12 slots run up to 48 of them at once (measured on 2,000 × 64 KiB: 12 in flight
 * 6.7 s, 32 in flight 5.0 s). Large files keep one slot each: their parts fill the pipe.
 */
function slotWeight(it: LiveItem): number {
  return it.row.size <= SMALL_FILE_BYTES ? 0.25 : 1;
}
