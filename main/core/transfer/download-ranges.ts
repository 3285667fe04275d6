// What a large download's ranges share, apart from the run that fetches them: how the object is
// cut into ranges, the SHA-512 that follows the contiguous "written" watermark, and the
// background flushes that keep the final fsync short.
import type { DownloadRow } from './journal';
import type { PartPipeline } from './part-pipeline';
import type { Running } from './pool';
import type { TaskRunner } from './runner';
import { syncFile } from './download-place';
import type { TaskResults } from './worker/protocol';

/** The ranges of one object: `count` of `row.rangeSize` ciphertext bytes, the last one taking the rest. */
export class RangeLayout {
  readonly count: number;

  constructor(
    private readonly row: DownloadRow,
    readonly plainSize: number,
  ) {
    const size = row.objectSize;
    // A file of exactly k ranges has one more ciphertext block (the padding): fold such a small
    // tail into the last range instead of a request of its own.
    let count = Math.ceil(size / row.rangeSize);
    if (count > 1 && size - (count - 1) * row.rangeSize <= 64 * 1024) count--;
    this.count = count;
  }

  cipherOffset(idx: number): number {
    return idx * this.row.rangeSize;
  }

  cipherLength(idx: number): number {
    return idx === this.count - 1 ? this.row.objectSize - this.cipherOffset(idx) : this.row.rangeSize;
  }

  /** Plaintext bytes of range `idx` (it starts at the same offset as its ciphertext). */
  plainLength(idx: number): number {
    return (idx === this.count - 1 ? this.plainSize : (idx + 1) * this.row.rangeSize) - this.cipherOffset(idx);
  }

  /** Where the plaintext is complete once ranges 0 … n−1 are written. */
  watermark(n: number): number {
    return n === this.count ? this.plainSize : n * this.row.rangeSize;
  }
}

/**
 * The SHA-512 of the temporary file, run beside the ranges and following the ranges written so
 * far, and into the range being written at that point as its writes land.
 */
export class HashFollower {
  readonly result: Promise<TaskResults['hashFile']>;
  private running: Running<'hashFile'> | null = null;
  private contiguous = 0;
  /** The attempt of each range now in flight. */
  private readonly attempts = new Map<number, Running<'downloadRange'>>();

  constructor(
    runner: TaskRunner,
    pipe: PartPipeline,
    path: string,
    private readonly layout: RangeLayout,
    private readonly done: Set<number>,
  ) {
    this.result = pipe.side(
      runner.local<'hashFile'>(
        { op: 'hashFile', path, follow: { total: layout.plainSize } },
        {
          signal: pipe.signal,
          track: (r) => {
            this.running = r;
            this.advance();
          },
        },
      ),
    );
  }

  /** A range was written: moves the watermark past every range now contiguous. */
  advance(): void {
    while (this.contiguous < this.layout.count && this.done.has(this.contiguous)) this.contiguous++;
    this.running?.setWatermark(this.layout.watermark(this.contiguous));
    this.followNext();
  }

  /** An attempt of range `idx` started (or, null, ended). */
  rangeAttempt(idx: number, r: Running<'downloadRange'> | null): void {
    if (r) this.attempts.set(idx, r);
    else this.attempts.delete(idx);
    if (idx === this.contiguous) this.followNext();
  }

  /** Points the hash at the range that starts at the watermark, if it is in flight. */
  private followNext(): void {
    const idx = this.contiguous;
    const r = idx < this.layout.count ? (this.attempts.get(idx) ?? null) : null;
    this.running?.follow(r, this.layout.watermark(idx), this.layout.watermark(idx + 1));
  }
}

/**
 * Flushes ranges to disk while the download goes on (one fdatasync in flight at a time), so the
 * fsync before the rename has little left to write: for 1 GiB it took ~0.6 s at the very end.
 */
export class BackgroundFlush {
  private pending: Promise<void> | null = null;
  private unflushed = 0;
  constructor(
    private readonly path: string,
    private readonly every = 128 * 1024 * 1024,
  ) {}
  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < this.every || this.pending) return;
    this.unflushed = 0;
    // A failed early flush is not an error: the final fsync before the rename decides.
    this.pending = syncFile(this.path)
      .catch(() => undefined)
      .finally(() => (this.pending = null));
  }
  async settled(): Promise<void> {
    await this.pending;
  }
}
