// Per-worker reusable buffers for part ciphertext and read slices. Allocating (and later
// garbage-collecting) a fresh 16 MiB buffer for every part made the heap of a multi-GiB upload
// balloon; with a pool, memory is bounded by the parts actually in flight.
//
// The pool keeps enough idle buffers for every part of a file in flight at the default settings
// (4 parts of 16 MiB): with room for only two, the other two were dropped each time a burst of
// parts finished and allocated again for the next, and the dropped ones stayed in memory until
// a garbage collection (a 1 GiB upload peaked ~20 MB higher). Idle buffers are let go a few
// seconds after the last part, so an idle app does not hold them.

const idle = new Map<number, Buffer[]>();
const MAX_IDLE_BYTES = 72 << 20;
const TRIM_AFTER_MS = 5_000;
let idleBytes = 0;
let trimTimer: NodeJS.Timeout | null = null;

export function take(size: number): Buffer {
  const b = idle.get(size)?.pop();
  if (b) {
    idleBytes -= b.length;
    return b;
  }
  return Buffer.allocUnsafeSlow(size);
}

export function give(buf: Buffer): void {
  if (idleBytes + buf.length > MAX_IDLE_BYTES) return; // let the GC have it
  let list = idle.get(buf.length);
  if (!list) idle.set(buf.length, (list = []));
  list.push(buf);
  idleBytes += buf.length;
  if (trimTimer) trimTimer.refresh();
  else {
    trimTimer = setTimeout(trim, TRIM_AFTER_MS);
    trimTimer.unref();
  }
}

/** Lets every idle buffer go (the pool refills on the next transfer). */
function trim(): void {
  idle.clear();
  idleBytes = 0;
  trimTimer = null;
}

/** Bytes held idle now (for tests). */
export function idleBytesHeld(): number {
  return idleBytes;
}
