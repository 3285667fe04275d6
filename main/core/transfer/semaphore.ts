// A counting semaphore with weights, abort and live capacity changes (setLimits). Used for
// parts in flight per file, encrypted bytes held in memory, and concurrent API calls.
import { aborted } from './runner';

interface Waiter {
  n: number;
  resolve: () => void;
  reject: (e: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export class Semaphore {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(private capacity: number) {}

  setCapacity(n: number): void {
    this.capacity = Math.max(1, n);
    this.drain();
  }

  get inUse(): number {
    return this.used;
  }

  /** Takes `n` units (a request larger than the capacity waits for the whole capacity). */
  acquire(n = 1, signal?: AbortSignal): Promise<() => void> {
    const want = Math.min(Math.max(1, n), this.capacity);
    if (signal?.aborted) return Promise.reject(aborted());
    if (this.waiters.length === 0 && this.used + want <= this.capacity) {
      this.used += want;
      return Promise.resolve(this.releaser(want));
    }
    return new Promise<() => void>((resolve, reject) => {
      const w: Waiter = { n: want, resolve: () => resolve(this.releaser(w.n)), reject, ...(signal ? { signal } : {}) };
      if (signal) {
        w.onAbort = () => {
          const i = this.waiters.indexOf(w);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(aborted());
          this.drain();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.waiters.push(w);
    });
  }

  private releaser(n: number): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.used -= n;
      this.drain();
    };
  }

  private drain(): void {
    while (this.waiters.length > 0) {
      const w = this.waiters[0] as Waiter;
      const n = Math.min(w.n, this.capacity);
      if (this.used + n > this.capacity) return;
      this.waiters.shift();
      if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
      this.used += n;
      w.n = n;
      w.resolve();
    }
  }
}
