// Direct I/O (O_DIRECT, Linux) for the large-download path: the ranges are written, and read
// back for the SHA-512, without going through the page cache.
//
// Why: a multi-GiB download otherwise fills the page cache with pages nobody reads again (and
// evicts the user's working set), and every fresh page costs the kernel a fault, a zeroing and
// an LRU insertion. On the VM we measure on, whose free memory is handed back to the host, a
// 1 GiB download used 9.5-12 CPU-s through the page cache and 5.6-7 with direct I/O. And the
// hash is then computed from what the disk returns, not from a cached copy.
//
// O_DIRECT wants the memory address, the file position and the length aligned to the device's
// logical block (512 B here; 4 KiB covers every device). Node cannot allocate an aligned Buffer,
// but a WebAssembly.Memory is page-aligned by construction, so aligned buffers are views of one.
// A file system without O_DIRECT (tmpfs before 6.6, some FUSE, network mounts) refuses the open
// or the first write with EINVAL; callers then use ordinary buffered I/O.
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export const DIRECT_ALIGN = 4096;
const WASM_PAGE = 64 * 1024;

const O_DIRECT: number | undefined = process.platform === 'linux' ? (constants as { O_DIRECT?: number }).O_DIRECT : undefined;

// The global exists in every Node; this project's TypeScript libs only declare its namespace.
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly;

let enabled = true;

/** Off: every file goes through the page cache (the pool's `directIo` option, for comparisons and tests). */
export function setDirectIo(on: boolean): void {
  enabled = on;
}

const idle = new Map<number, Buffer[]>();
const fromMemory = new WeakSet<Buffer>();

/** A page-aligned buffer of `size` bytes, reused through `giveAligned`. */
export function takeAligned(size: number): Buffer {
  const b = idle.get(size)?.pop();
  if (b) return b;
  try {
    const buf = Buffer.from(new Memory({ initial: Math.ceil(size / WASM_PAGE) }).buffer, 0, size);
    fromMemory.add(buf);
    return buf;
  } catch {
    // Each Memory reserves address space, which a V8 sandbox (Electron) bounds. Past that, an
    // ordinary buffer: direct I/O refuses it (EINVAL) and that range goes through the page cache.
    return Buffer.allocUnsafeSlow(size);
  }
}

export function giveAligned(buf: Buffer): void {
  if (!fromMemory.has(buf)) return;
  let list = idle.get(buf.length);
  if (!list) idle.set(buf.length, (list = []));
  if (list.length < 8) list.push(buf);
}

export function isAligned(n: number): boolean {
  return n % DIRECT_ALIGN === 0;
}

/** Opens `path` for direct I/O, or returns null where that is not available. */
export async function openDirect(path: string, mode: 'read' | 'write'): Promise<FileHandle | null> {
  if (O_DIRECT === undefined || !enabled) return null;
  try {
    return await open(path, (mode === 'read' ? constants.O_RDONLY : constants.O_WRONLY) | O_DIRECT);
  } catch (e) {
    if (isDirectRefusal(e)) return null;
    throw e;
  }
}

/** EINVAL from a direct read or write: the file system does not really support it. */
export function isDirectRefusal(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | null)?.code === 'EINVAL';
}
