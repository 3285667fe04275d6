// Per-worker reusable buffers for part ciphertext and read slices. Allocating (and later
// garbage-collecting) a fresh 16 MiB buffer for every part made the heap of a multi-GiB upload
// balloon; with a pool, memory is bounded by the parts actually in flight.

const idle = new Map<number, Buffer[]>();
const MAX_IDLE_BYTES = 34 << 20; // about two parts of the default size
let idleBytes = 0;

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
}
