// Memory shared between the main thread and the pool's workers (SharedArrayBuffer + Atomics).
//
// Why not messages: a 2,000-file batch would otherwise post tens of thousands of progress and
// control messages. Here a worker adds transferred bytes to a counter the main thread reads at
// its own 10 Hz tick, a cancel is one store + notify, and the last ciphertext block of a part
// (the next part's IV) is handed over as soon as it exists, before that part's upload ends.
//
// Per task "slot":
//   ctrl  Int32   [0] cancel flag  [1] lastBlock ready  [2..5] lastBlock bytes  [6] watermark seq
//                 [7] generation (bumped each time the slot is handed to a task)
//   nums  BigInt64 [0] bytes moved (progress)  [1] watermark (bytes safely on disk, for follow-hashing)
//                  [2] a range task's bytes on disk from its range's start
//                  [3..7] a hashing task's followed range: slot+1, start, end, generation, seqlock

export const SLOT_COUNT = 4096;

// Atomics.waitAsync is in Node 16+ but only in TypeScript's ES2024 lib; the project targets ES2023.
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, timeoutMs?: number) => WaitAsyncResult }).waitAsync;
const CTRL = 8;
const NUMS = 8;
const GEN = 7;

export interface SharedBuffers {
  ctrl: SharedArrayBuffer;
  nums: SharedArrayBuffer;
  bw: SharedArrayBuffer;
}

export function createSharedBuffers(): SharedBuffers {
  return {
    ctrl: new SharedArrayBuffer(SLOT_COUNT * CTRL * 4),
    nums: new SharedArrayBuffer(SLOT_COUNT * NUMS * 8),
    bw: new SharedArrayBuffer(4 * 8),
  };
}

export class SharedSlots {
  readonly ctrl: Int32Array;
  readonly nums: BigInt64Array;
  private readonly bytes: Uint8Array;

  constructor(buffers: SharedBuffers) {
    this.ctrl = new Int32Array(buffers.ctrl);
    this.nums = new BigInt64Array(buffers.nums);
    this.bytes = new Uint8Array(buffers.ctrl);
  }

  reset(slot: number): void {
    // The generation first: a reader of the previous task's counters sees it changed (readable()).
    Atomics.add(this.ctrl, slot * CTRL + GEN, 1);
    for (let i = 0; i < GEN; i++) Atomics.store(this.ctrl, slot * CTRL + i, 0);
    for (let i = 0; i < NUMS; i++) Atomics.store(this.nums, slot * NUMS + i, 0n);
  }

  // ---- cancel ----
  cancel(slot: number): void {
    Atomics.store(this.ctrl, slot * CTRL, 1);
    Atomics.notify(this.ctrl, slot * CTRL);
  }
  isCancelled(slot: number): boolean {
    return Atomics.load(this.ctrl, slot * CTRL) === 1;
  }
  /** Worker side: an AbortSignal that fires when the main thread cancels the slot. Call the returned release() when the task ends. */
  cancelSignal(slot: number): { signal: AbortSignal; release: () => void } {
    const ac = new AbortController();
    const idx = slot * CTRL;
    let done = false;
    const w = waitAsync(this.ctrl, idx, 0);
    const check = (): void => {
      if (!done && Atomics.load(this.ctrl, idx) === 1) ac.abort(new Error('cancelled'));
    };
    if (w.async) void w.value.then(check);
    else check();
    return {
      signal: ac.signal,
      release: () => {
        done = true;
        Atomics.notify(this.ctrl, idx); // wake our own waiter so it does not linger
      },
    };
  }

  // ---- progress ----
  addProgress(slot: number, n: number): void {
    Atomics.add(this.nums, slot * NUMS, BigInt(n));
  }
  progress(slot: number): number {
    return Number(Atomics.load(this.nums, slot * NUMS));
  }

  // ---- last ciphertext block (CBC chaining) ----
  publishLastBlock(slot: number, block: Uint8Array): void {
    this.bytes.set(block.subarray(0, 16), (slot * CTRL + 2) * 4);
    Atomics.store(this.ctrl, slot * CTRL + 1, 1);
    Atomics.notify(this.ctrl, slot * CTRL + 1);
  }
  /**
   * Main side: resolves with the block once published, or null when the task ended first.
   * `alive` says whether the slot still belongs to the same task (slots are reused).
   */
  async waitLastBlock(slot: number, alive: () => boolean): Promise<Buffer | null> {
    const idx = slot * CTRL + 1;
    for (;;) {
      if (!alive()) return null;
      if (Atomics.load(this.ctrl, idx) === 1) return Buffer.from(this.bytes.slice((slot * CTRL + 2) * 4, (slot * CTRL + 6) * 4));
      if (Atomics.load(this.ctrl, idx) === 2) return null;
      const w = waitAsync(this.ctrl, idx, 0);
      if (w.async) await w.value;
    }
  }
  /** Main side: unblocks waitLastBlock when the task ended without publishing. */
  releaseLastBlockWaiter(slot: number): void {
    const idx = slot * CTRL + 1;
    Atomics.compareExchange(this.ctrl, idx, 0, 2);
    Atomics.notify(this.ctrl, idx);
  }

  // ---- watermark (bytes of a download that are decrypted and on disk, from offset 0) ----
  setWatermark(slot: number, bytes: number): void {
    Atomics.store(this.nums, slot * NUMS + 1, BigInt(bytes));
    Atomics.add(this.ctrl, slot * CTRL + 6, 1);
    Atomics.notify(this.ctrl, slot * CTRL + 6);
  }
  watermark(slot: number): number {
    return Number(Atomics.load(this.nums, slot * NUMS + 1));
  }
  /** Worker side: waits until readable() reaches `bytes` (or the slot is cancelled). */
  async waitWatermark(slot: number, bytes: number, signal: AbortSignal): Promise<void> {
    const seqIdx = slot * CTRL + 6;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const seq = Atomics.load(this.ctrl, seqIdx);
      if (this.readable(slot) >= bytes) return;
      // Timed wait: a cancel notifies another index, so re-check the signal at least every 200 ms;
      // a followed range's writes notify nobody, so look again every 10 ms while one is followed.
      const w = waitAsync(this.ctrl, seqIdx, seq, Atomics.load(this.nums, slot * NUMS + 3) === 0n ? 200 : 10);
      if (w.async) await w.value;
    }
  }

  // ---- a download's range followed by its hashing task, before the range ends ----
  //
  // The watermark moves when a range ends (16 MiB at a time), and the last ranges, fetched in
  // parallel, end together: the hash then had all of them still to read after the last byte. A
  // range task publishes its bytes on disk as it writes them; the hashing task reads that count
  // for the range at its watermark. Slots are reused, so the count is trusted only while the
  // range's slot still has the generation it had when the main thread named it.

  /** Range task (worker): `bytes` from its range's start are written (to the file, not a cache of ours). */
  setWritten(slot: number, bytes: number): void {
    Atomics.store(this.nums, slot * NUMS + 2, BigInt(bytes));
  }

  generation(slot: number): number {
    return Atomics.load(this.ctrl, slot * CTRL + GEN);
  }

  /** Main side: hashing task `slot` may read into [start, end) as far as range task `range` has written it; null stops that. */
  follow(slot: number, range: { slot: number; start: number; end: number } | null): void {
    const b = slot * NUMS;
    Atomics.add(this.nums, b + 7, 1n); // odd: being written
    Atomics.store(this.nums, b + 3, range ? BigInt(range.slot + 1) : 0n);
    Atomics.store(this.nums, b + 4, BigInt(range?.start ?? 0));
    Atomics.store(this.nums, b + 5, BigInt(range?.end ?? 0));
    Atomics.store(this.nums, b + 6, BigInt(range ? this.generation(range.slot) : 0));
    Atomics.add(this.nums, b + 7, 1n);
    Atomics.add(this.ctrl, slot * CTRL + 6, 1);
    Atomics.notify(this.ctrl, slot * CTRL + 6);
  }

  /** Hashing task (worker): bytes from offset 0 that are on disk — the watermark, or further into the followed range. */
  readable(slot: number): number {
    const wm = this.watermark(slot);
    const b = slot * NUMS;
    const seq = Atomics.load(this.nums, b + 7);
    if (seq % 2n === 1n) return wm;
    const ranged = Number(Atomics.load(this.nums, b + 3));
    const start = Number(Atomics.load(this.nums, b + 4));
    const end = Number(Atomics.load(this.nums, b + 5));
    const gen = Number(Atomics.load(this.nums, b + 6));
    if (ranged === 0 || Atomics.load(this.nums, b + 7) !== seq) return wm;
    const r = ranged - 1;
    if (this.generation(r) !== gen) return wm;
    const written = Number(Atomics.load(this.nums, r * NUMS + 2));
    if (this.generation(r) !== gen) return wm; // handed to another task while we read
    return Math.max(wm, Math.min(start + written, end));
  }
}

/** Main-thread allocator of slot numbers. */
export class SlotAllocator {
  private readonly free: number[] = [];
  constructor(private readonly slots: SharedSlots) {
    for (let i = SLOT_COUNT - 1; i >= 0; i--) this.free.push(i);
  }
  acquire(): number {
    const s = this.free.pop();
    if (s === undefined) throw new Error('transfer pool: no free task slot (too many tasks in flight)');
    this.slots.reset(s);
    return s;
  }
  release(slot: number): void {
    this.free.push(slot);
  }
}
