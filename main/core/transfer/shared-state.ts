// Memory shared between the main thread and the pool's workers (SharedArrayBuffer + Atomics).
//
// Why not messages: a 2,000-file batch would otherwise post tens of thousands of progress and
// control messages. Here a worker adds transferred bytes to a counter the main thread reads at
// its own 10 Hz tick, a cancel is one store + notify, and the last ciphertext block of a part
// (the next part's IV) is handed over as soon as it exists, before that part's upload ends.
//
// Per task "slot":
//   ctrl  Int32   [0] cancel flag  [1] lastBlock ready  [2..5] lastBlock bytes  [6] watermark seq
//   nums  BigInt64 [0] bytes moved (progress)  [1] watermark (bytes safely on disk, for follow-hashing)

export const SLOT_COUNT = 4096;

// Atomics.waitAsync is in Node 16+ but only in TypeScript's ES2024 lib; the project targets ES2023.
type WaitAsyncResult = { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
const waitAsync = (Atomics as unknown as { waitAsync: (a: Int32Array, i: number, v: number, timeoutMs?: number) => WaitAsyncResult }).waitAsync;
const CTRL = 8;
const NUMS = 2;

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
    for (let i = 0; i < CTRL; i++) Atomics.store(this.ctrl, slot * CTRL + i, 0);
    Atomics.store(this.nums, slot * NUMS, 0n);
    Atomics.store(this.nums, slot * NUMS + 1, 0n);
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
  /** Worker side: waits until the watermark reaches `bytes` (or the slot is cancelled). */
  async waitWatermark(slot: number, bytes: number, signal: AbortSignal): Promise<void> {
    const seqIdx = slot * CTRL + 6;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const seq = Atomics.load(this.ctrl, seqIdx);
      if (this.watermark(slot) >= bytes) return;
      // Timed wait: a cancel notifies another index, so re-check the signal at least every 200 ms.
      const w = waitAsync(this.ctrl, seqIdx, seq, 200);
      if (w.async) await w.value;
    }
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
