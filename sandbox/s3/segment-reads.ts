import { closeSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable, type Writable } from 'node:stream';
import type { ObjectMeta, Segment } from './object-store';

/**
 * Reading an object's bytes back out of its segments (blob files and pack-file slices).
 * Separate from the store's bookkeeping: these only need a way to name a segment's file.
 */

/** Where a segment's file lives (the store's blob directory). */
export type BlobPath = (file: string) => string;

const READ_CHUNK = 1 << 20;

/** Recycled 1 MiB read buffers for GETs: allocating one per MiB served drives V8 into constant GCs. */
const bufferPool: Buffer[] = [];
const takeBuffer = (): Buffer => bufferPool.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
const giveBuffer = (b: Buffer): void => {
  if (bufferPool.length < 32) bufferPool.push(b);
};

function drained(out: Writable): Promise<void> {
  // A client cut off mid-download (a fault, or gone) never drains: fail now so the handles close.
  if (out.destroyed || out.closed) return Promise.reject(new Error('client went away'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('client went away'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

interface Piece {
  fh: FileHandle;
  from: number;
  to: number;
}

/** Opens the blob files covering [start, end] with the byte window to read from each. */
async function openPieces(blobPath: BlobPath, meta: ObjectMeta, start: number, end: number): Promise<Piece[]> {
  const pieces: Piece[] = [];
  let offset = 0;
  try {
    for (const seg of meta.segments) {
      const segStart = offset;
      offset += seg.size;
      if (offset <= start || segStart > end) continue;
      const base = seg.offset ?? 0;
      const from = Math.max(start, segStart) - segStart + base;
      const to = Math.min(end + 1, offset) - segStart + base;
      pieces.push({ fh: await open(blobPath(seg.file), 'r'), from, to });
    }
  } catch (err) {
    await Promise.all(pieces.map((p) => p.fh.close()));
    throw err;
  }
  return pieces;
}

/**
 * A byte stream of [start, end] (inclusive). File handles are opened up front so a
 * concurrent overwrite (which unlinks the old blobs) cannot cut a running download.
 */
export async function openRange(blobPath: BlobPath, meta: ObjectMeta, start: number, end: number): Promise<Readable> {
  const pieces = await openPieces(blobPath, meta, start, end);
  let closed = false;
  const closeAll = () => {
    if (closed) return;
    closed = true;
    for (const p of pieces) void p.fh.close().catch(() => undefined);
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const p of pieces) {
      let pos = p.from;
      while (pos < p.to) {
        const n = Math.min(READ_CHUNK, p.to - pos);
        const buf = Buffer.allocUnsafe(n);
        const { bytesRead } = await p.fh.read(buf, 0, n, pos);
        if (bytesRead === 0) throw new Error('object data is shorter than its manifest');
        pos += bytesRead;
        yield bytesRead === n ? buf : buf.subarray(0, bytesRead);
      }
    }
  }
  const stream = Readable.from(chunks(), { objectMode: false, highWaterMark: 2 * READ_CHUNK });
  stream.once('close', closeAll);
  return stream;
}

/**
 * Writes [start, end] to `out` with pooled buffers, reading the next MiB while the
 * previous one is on the wire.
 */
export async function streamRange(blobPath: BlobPath, meta: ObjectMeta, start: number, end: number, out: Writable): Promise<void> {
  const pieces = await openPieces(blobPath, meta, start, end);
  const reads: { fh: FileHandle; pos: number; len: number }[] = [];
  for (const p of pieces) for (let pos = p.from; pos < p.to; pos += READ_CHUNK) reads.push({ fh: p.fh, pos, len: Math.min(READ_CHUNK, p.to - pos) });
  const read = async (i: number) => {
    const r = reads[i]!;
    const buf = takeBuffer();
    const { bytesRead } = await r.fh.read(buf, 0, r.len, r.pos);
    if (bytesRead !== r.len) throw new Error('object data is shorter than its manifest');
    return buf;
  };
  try {
    let next = reads.length > 0 ? read(0) : null;
    for (let i = 0; next; i++) {
      const buf = await next;
      next = i + 1 < reads.length ? read(i + 1) : null;
      const len = reads[i]!.len;
      if (out.destroyed) throw new Error('client went away');
      const ok = out.write(len === buf.length ? buf : buf.subarray(0, len), () => giveBuffer(buf));
      if (!ok) await drained(out);
    }
    if (!out.destroyed) await new Promise<void>((resolve) => out.end(resolve));
  } finally {
    await Promise.all(pieces.map((p) => p.fh.close().catch(() => undefined)));
  }
}

/**
 * Fills `out` with one segment's bytes from `from` on, read synchronously (tens of µs, less
 * than a thread-pool round trip for a small body); returns `out`.
 */
export function readSegmentInto(blobPath: BlobPath, seg: Segment, from: number, out: Buffer): Buffer {
  const base = seg.offset ?? 0;
  const fd = openSync(blobPath(seg.file), 'r');
  try {
    for (let got = 0; got < out.length;) {
      const n = readSync(fd, out, got, out.length - got, base + from + got);
      if (n === 0) throw new Error('object data is shorter than its manifest');
      got += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

/** [start, end] of a small object, read with synchronous calls (see readSegmentInto). */
export function readSmall(blobPath: BlobPath, meta: ObjectMeta, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start + 1);
  let offset = 0;
  let filled = 0;
  for (const seg of meta.segments) {
    const segStart = offset;
    offset += seg.size;
    if (offset <= start || segStart > end) continue;
    const from = Math.max(start, segStart) - segStart;
    const to = Math.min(end + 1, offset) - segStart;
    readSegmentInto(blobPath, seg, from, out.subarray(filled, filled + to - from));
    filled += to - from;
  }
  return out;
}
