// What listeners (the UI, the CLI's progress line) hear about transfers: a view per changed
// item, coalesced to at most 10 batches a second (terminal states promptly), sampled by a
// 10 Hz tick while anything moves, with overall numbers kept incrementally so 10,000 items are
// never summed ten times a second.
import type { LiveItem } from './item';
import { Coalescer, eta, SpeedMeter } from './progress';
import { RegistrationTally } from './registrations';
import type { ProgressBatch, TransferState, TransferView } from './types';

const mono = (): number => performance.now();

export class ProgressFeed {
  /** Items moving now (running or verifying); the tick looks at these only. */
  readonly active = new Set<LiveItem>();
  /** Bytes of the items counted in the overall numbers (see `counted`), and of those done. */
  totalBytes = 0;
  doneBytes = 0;
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<(b: ProgressBatch) => void>();
  private readonly overallMeter = new SpeedMeter();
  private readonly coalescer = new Coalescer(() => this.emit(), mono);
  private seq = 0;
  private tickTimer: NodeJS.Timeout | null = null;
  /** Uploads' registrations (counted items only), kept by the engine on every state change. */
  readonly regs: RegistrationTally;

  constructor(
    private readonly items: ReadonlyMap<string, LiveItem>,
    /** Whether an item is part of the overall numbers (not one already finished at start). */
    private readonly counted: (it: LiveItem) => boolean,
    /** Registrations a second the API allows (null: unknown, measured instead). */
    registrationPace: () => number | null = () => null,
  ) {
    this.regs = new RegistrationTally(registrationPace);
  }

  /** An item joins the overall numbers (loaded from the journal, or added). */
  adopt(it: LiveItem): void {
    if (!this.counted(it)) return;
    if (it.row.kind === 'upload') this.regs.move(null, it.row.state);
    if (it.row.state === 'cancelled') return;
    this.totalBytes += it.row.size;
    if (it.row.state === 'done') this.doneBytes += it.row.size;
  }

  /** A file's state changed (batches are not counted): the overall numbers follow. */
  moved(it: LiveItem, from: TransferState, to: TransferState): void {
    if (to === 'running' || to === 'verifying') this.active.add(it);
    else this.active.delete(it);
    if (!this.counted(it)) return;
    if (to === 'done') this.doneBytes += it.row.size;
    if ((to === 'cancelled') !== (from === 'cancelled')) this.totalBytes += to === 'cancelled' ? -it.row.size : it.row.size;
    if (it.row.kind === 'upload') this.regs.move(from, to);
  }

  view(it: LiveItem): TransferView {
    const r = it.row;
    const t = mono();
    const active = r.state === 'running' || r.state === 'verifying';
    const bytesDone = r.isBatch ? batchBytes(it) : r.state === 'done' ? r.size : it.bytesDone();
    const bps = r.isBatch ? batchSpeed(it, t) : r.state === 'running' ? it.meter.value(t) : 0;
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

  list(): { seq: number; items: TransferView[] } {
    return { seq: this.seq, items: [...this.items.values()].map((i) => this.view(i)) };
  }

  onProgress(cb: (b: ProgressBatch) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The item (and its batch) changed; `terminal` asks for prompt delivery. */
  markDirty(it: LiveItem, terminal: boolean): void {
    this.dirty.add(it.id);
    if (it.row.parentId) this.dirty.add(it.row.parentId);
    this.coalescer.poke(terminal);
  }

  /** Something started moving: sample it ten times a second until nothing moves. */
  startTicking(): void {
    if (this.tickTimer) return;
    this.tickTimer = setInterval(() => this.tick(), 100);
    this.tickTimer.unref();
  }

  close(): void {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    this.coalescer.close();
  }

  /** Samples byte counters of moving items, feeds the speed meters, marks them dirty. */
  private tick(): void {
    const t = mono();
    for (const it of this.active) {
      // Only running items move bytes; one waiting for its registration (verifying) changes
      // when it is registered, and 2,000 of them rebuilt ten times a second cost more than the upload.
      if (it.row.state !== 'running') continue;
      it.meter.sample(it.bytesDone(), t);
      this.dirty.add(it.id);
      if (it.row.parentId) this.dirty.add(it.row.parentId);
    }
    this.overallMeter.sample(this.overallBytes().done, t);
    this.regs.sample(t);
    if (this.active.size > 0) this.coalescer.poke(false);
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
    const t = mono();
    const bps = o.active > 0 ? this.overallMeter.value(t) : 0;
    const etaSeconds = o.active > 0 ? eta(o.total - o.done, bps) : null;
    const registrations = this.regs.figures(etaSeconds, t);
    const batch: ProgressBatch = {
      seq: this.seq,
      items,
      overall: {
        bytesDone: o.done,
        bytesTotal: o.total,
        bytesPerSecond: Math.round(bps),
        etaSeconds,
        active: o.active,
        ...(registrations ? { registrations } : {}),
      },
    };
    for (const l of this.listeners) l(batch);
  }
}

function batchBytes(b: LiveItem): number {
  let n = b.childDoneBytes;
  for (const it of b.activeChildren) n += it.bytesDone();
  return n;
}

function batchSpeed(b: LiveItem, t: number): number {
  let n = 0;
  for (const it of b.activeChildren) if (it.row.state === 'running') n += it.meter.value(t);
  return n;
}
