// What one file's parts share, whether they go up (multipart) or come down (ranged): a signal of
// the file's own (aborted by the outer one, or by the first failure), a limit of parts in flight,
// the parts in flight, the first error, and one side task (the SHA-512 beside the parts).
import { aborted } from './runner';
import { Semaphore } from './semaphore';

export class PartPipeline {
  private readonly ctl = new AbortController();
  private readonly slots: Semaphore;
  private readonly inflight: Promise<void>[] = [];
  private firstError: unknown = null;
  private readonly onOuterAbort = (): void => this.ctl.abort(this.outer.reason);

  constructor(
    private readonly outer: AbortSignal,
    partsPerFile: number,
  ) {
    this.slots = new Semaphore(partsPerFile);
    outer.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  /** The file's signal: every part and the side task run under it. */
  get signal(): AbortSignal {
    return this.ctl.signal;
  }

  /** Fails the file: the first error is the one reported; everything else in flight stops. */
  fail(e: unknown): void {
    if (this.firstError === null) this.firstError = e;
    this.ctl.abort(e);
  }

  /** Waits for a free part slot (or the file's end); returns its release. */
  slot(): Promise<() => void> {
    return this.slots.acquire(1, this.ctl.signal);
  }

  /** Tracks one part: `onDone` records its result; a failure fails the file; `release` always runs. */
  add<T>(part: Promise<T>, onDone: (r: T) => void, release: () => void): void {
    this.inflight.push(part.then(onDone, (e: unknown) => this.fail(e)).finally(release));
  }

  /**
   * Waits for every part, then (after `beforeSide`) for the side task, and gives its result.
   * Throws the outer abort as such, else the first failure of a part, of the loop that started
   * them (passed through fail()), or of the side task.
   */
  async finish<T>(side: Promise<T>, fallback: T, beforeSide?: () => Promise<void>): Promise<T> {
    await Promise.allSettled(this.inflight);
    await beforeSide?.();
    const result = await side.catch((e: unknown) => {
      this.fail(e);
      return fallback;
    });
    this.outer.removeEventListener('abort', this.onOuterAbort);
    if (this.outer.aborted) throw aborted();
    if (this.firstError !== null) throw this.firstError;
    return result;
  }

  /** The side task: if it fails, the parts stop at once (its error is reported by finish()). */
  side<T>(task: Promise<T>): Promise<T> {
    task.catch(() => this.ctl.abort());
    return task;
  }
}
