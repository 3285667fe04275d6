// Download-side operations, run inside a worker: ranged GET → CBC decrypt → positional write.
// A range starting at ciphertext offset k·16 (k > 0) is fetched from 16 bytes earlier; that
// extra block is the IV. Only the range that ends the object strips PKCS7 padding.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fdatasync, open as openCb, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { BLOCK, checkCipherSize, decodeIv, RangeDecryptor } from '../../crypto';
import { fail } from '../errors';
import type { TaskOf, TaskResults } from './protocol';
import { give, take } from './buffers';
import { DIRECT_ALIGN, giveAligned, isAligned, isDirectRefusal, openDirect, takeAligned } from './direct-io';
import type { OpCtx } from './s3';
import { backendFor } from './backend';
import { header, type BodyChunks } from './s3-direct';

const WRITE_CHUNK = 4 << 20; // writes of >= 4 MiB: fewer system calls per GiB

/**
 * Copies plaintext into one pooled 4 MiB buffer and writes it at its offset when full. The
 * copy is cheaper than keeping each decipher output alive until a vectored write: short-lived
 * outputs are collected young, and measured CPU per GiB dropped by about a quarter.
 */
type WriteAt = (buf: Buffer, offset: number, length: number, position: number) => Promise<{ bytesWritten: number }> | { bytesWritten: number };

class PositionalWriter {
  private fill = 0;
  /**
   * `buf` is where writes gather: 4 MiB and page-aligned for a range (so a RangeFile can write it
   * directly), the file's own size for a small file (a 4 MiB buffer per small file in flight was
   * allocation churn the GC threads paid for). `release` takes it back.
   */
  constructor(
    private readonly writeAt: WriteAt,
    private position: number,
    private readonly buf: Buffer,
    private readonly giveBack: (buf: Buffer) => void,
    private readonly follow: {
      /** Every plaintext byte, in order (a small file's SHA-512). */
      hash?: Hash;
      /** After each flush: the position written up to (a range's bytes, for the hash that follows it). */
      flushed?: (position: number) => void;
    } = {},
  ) {}
  async push(pieces: Buffer[] | Buffer): Promise<void> {
    for (const b0 of Array.isArray(pieces) ? pieces : [pieces]) {
      let b = b0;
      this.follow.hash?.update(b);
      while (b.length > 0) {
        const n = Math.min(b.length, this.buf.length - this.fill);
        b.copy(this.buf, this.fill, 0, n);
        this.fill += n;
        b = b.subarray(n);
        if (this.fill === this.buf.length) await this.flush();
      }
    }
  }
  async flush(): Promise<void> {
    let done = 0;
    while (done < this.fill) {
      const { bytesWritten } = await this.writeAt(this.buf, done, this.fill - done, this.position + done);
      done += bytesWritten;
    }
    this.position += this.fill;
    this.fill = 0;
    this.follow.flushed?.(this.position);
  }
  /** Returns the buffer to the pool; call once, after the last flush (or on failure). */
  release(): void {
    this.giveBack(this.buf);
  }
  get written(): number {
    return this.position;
  }
}

/**
 * The temporary file as one range writes it: the block-aligned part of each write goes with
 * direct I/O where the file system allows it (see direct-io.ts), the rest (the file's unaligned
 * tail, or everything if direct I/O is refused) through the page cache.
 */
class RangeFile {
  private constructor(
    private direct: FileHandle | null,
    private readonly buffered: FileHandle,
  ) {}
  static async open(path: string, offset: number): Promise<RangeFile> {
    const buffered = await open(path, 'r+');
    try {
      return new RangeFile(isAligned(offset) ? await openDirect(path, 'write') : null, buffered);
    } catch (e) {
      await buffered.close();
      throw e;
    }
  }
  async write(buf: Buffer, off: number, len: number, pos: number): Promise<{ bytesWritten: number }> {
    const aligned = len - (len % DIRECT_ALIGN);
    if (this.direct && aligned > 0 && isAligned(pos) && isAligned(buf.byteOffset + off)) {
      try {
        return await this.direct.write(buf, off, aligned, pos);
      } catch (e) {
        if (!isDirectRefusal(e)) throw e;
        await this.direct.close();
        this.direct = null;
      }
    }
    return this.buffered.write(buf, off, len, pos);
  }
  async close(): Promise<void> {
    await Promise.all([this.direct?.close(), this.buffered.close()]);
  }
}

/**
 * GETs one range. Its answer also says what the range came from, which a download needs no HEAD
 * for: the ETag, the object's size (Content-Range, checked against the record) and, for the range
 * at offset 0, the IV (the object's metadata, else the record's).
 */
async function fetchRange(
  t: TaskOf<'downloadRange'>,
  from: number,
  toInclusive: number,
  ctx: OpCtx,
): Promise<{ body: BodyChunks; etag: string | null; iv: Uint8Array | undefined }> {
  const backend = backendFor(t.loc);
  const r = await backend.get(t.loc, { range: `bytes=${from}-${toInclusive}`, ...(t.etag ? { ifMatch: t.etag } : {}) }, ctx.signal);
  try {
    const total = /\/(\d+)\s*$/.exec(header(r, 'content-range') ?? '')?.[1];
    if (total !== undefined) checkCipherSize(Number(total), t.decryptedSize);
    const ivB64 = t.cipherOffset === 0 ? header(r, backend.metaHeader('iv')) : undefined;
    const iv = ivB64 ? decodeIv(ivB64) : t.iv;
    if (t.cipherOffset === 0 && !iv) throw fail('missing_iv', `The stored object has no IV (${backend.metaHeader('iv')}); it cannot be decrypted`);
    return { body: r.body, etag: header(r, 'etag') ?? null, iv };
  } catch (e) {
    r.body.destroy();
    throw e;
  }
}

const STAGE = 256 * 1024;
/** A range that does not start the object takes its IV from the block before it, not from here. */
const NO_IV = new Uint8Array(0);

/**
 * Streams ciphertext through the decryptor into the writer; returns ciphertext bytes consumed.
 * A chunk is used up before the next is asked for: over socket-get.ts it is a view of the socket's buffer.
 * Network chunks (often 16-64 KiB, unaligned) are gathered into 256 KiB before decrypting:
 * each decipher call allocates its output, and 4× fewer, larger (but not huge) allocations cut
 * the worker's GC time by more than the copy costs.
 */
async function pump(
  body: BodyChunks,
  skipIv: boolean,
  makeDecryptor: (iv: Buffer) => RangeDecryptor,
  iv0: Uint8Array,
  w: PositionalWriter,
  ctx: OpCtx,
): Promise<{ got: number; d: RangeDecryptor }> {
  let got = 0;
  let ivBuf = Buffer.alloc(0);
  let d: RangeDecryptor | null = skipIv ? null : makeDecryptor(Buffer.from(iv0));
  const stage = take(STAGE);
  let fill = 0;
  try {
    for await (const raw of body) {
      let chunk = raw;
      await ctx.bw.take(chunk.length, ctx.signal);
      ctx.slots.addProgress(ctx.slot, chunk.length);
      got += chunk.length;
      if (!d) {
        const need = BLOCK - ivBuf.length;
        ivBuf = Buffer.concat([ivBuf, chunk.subarray(0, need)]);
        chunk = chunk.subarray(need);
        if (ivBuf.length < BLOCK) continue;
        d = makeDecryptor(ivBuf);
      }
      while (chunk.length > 0) {
        const n = Math.min(chunk.length, STAGE - fill);
        chunk.copy(stage, fill, 0, n);
        fill += n;
        chunk = chunk.subarray(n);
        if (fill === STAGE) {
          await w.push(d.update(stage));
          fill = 0;
        }
      }
    }
    if (d && fill > 0) await w.push(d.update(stage.subarray(0, fill)));
  } finally {
    give(stage);
    body.destroy();
  }
  if (!d) throw fail('network_error', 'the response ended before the first block', true);
  return { got, d };
}

export async function downloadRange(t: TaskOf<'downloadRange'>, ctx: OpCtx): Promise<TaskResults['downloadRange']> {
  if (t.cipherOffset % BLOCK !== 0 || t.cipherLength % BLOCK !== 0) throw fail('internal', 'ranges must be block-aligned');
  const from = t.cipherOffset === 0 ? 0 : t.cipherOffset - BLOCK;
  const to = t.cipherOffset + t.cipherLength - 1;
  const file = await RangeFile.open(t.path, t.cipherOffset);
  // What is written is published as it lands: the hashing task reads on into this range before it ends.
  const published = (position: number): void => ctx.slots.setWritten(ctx.slot, position - t.cipherOffset);
  const w = new PositionalWriter((b, o, l, p) => file.write(b, o, l, p), t.cipherOffset, takeAligned(WRITE_CHUNK), giveAligned, { flushed: published });
  try {
    const { body, etag, iv } = await fetchRange(t, from, to, ctx);
    const { got, d } = await pump(body, t.cipherOffset !== 0, (x) => new RangeDecryptor(t.key, x, t.final), iv ?? NO_IV, w, ctx);
    if (got !== to - from + 1) throw fail('network_error', `short read: got ${got} of ${to - from + 1} bytes`, true);
    await w.push(d.finish());
    await w.flush();
    // No fsync per range: written data survives a crash of our process (kill -9) in the page
    // cache, and a power cut is caught by the SHA-512 check before the rename (download-job.ts).
    // The whole file is synced once, before it gets its final name.
    return { plainBytes: w.written - t.cipherOffset, etag };
  } finally {
    w.release();
    await file.close();
  }
}

/**
 * Creates (or truncates) the temporary file on a libuv thread. Creating a file is the slowest
 * system call of a small download: ~240 µs of CPU and ~480 µs in all on the 2-vCPU VM (opening
 * an existing file: 10 µs), 20 % of the worker's time in a 2,000-file download when it ran
 * synchronously. Started before the GET, it is done while the request is in flight.
 */
function createFile(path: string): Promise<number> {
  return new Promise((resolve, reject) => openCb(path, 'w', (e, fd) => (e ? reject(e) : resolve(fd))));
}

/**
 * A whole small object in one request (no HEAD first): the GET's own headers give the size and
 * the IV. Decrypt, hash, write the temporary file and sync it.
 */
export async function downloadWhole(t: TaskOf<'downloadWhole'>, ctx: OpCtx): Promise<TaskResults['downloadWhole']> {
  const backend = backendFor(t.loc);
  const opening = createFile(t.path);
  opening.catch(() => undefined); // awaited below; until then its failure must not count as unhandled (that ends the worker)
  let r: Awaited<ReturnType<typeof backend.get>>;
  try {
    r = await backend.get(t.loc, {}, ctx.signal);
  } catch (e) {
    // The file is removed by the job (download-job.ts), but not while we hold it open.
    await opening.then(closeSync, () => undefined);
    throw e;
  }
  const body = r.body;
  const contentLength = Number(header(r, 'content-length') ?? -1);
  const ivB64 = header(r, backend.metaHeader('iv'));
  const iv = ivB64 ? decodeIv(ivB64) : t.iv;
  let fd: number;
  try {
    checkCipherSize(contentLength, t.decryptedSize);
    if (!iv) throw fail('missing_iv', `The stored object has no IV (${backend.metaHeader('iv')}); it cannot be decrypted`);
    fd = await opening;
  } catch (e) {
    body.destroy();
    await opening.then(closeSync, () => undefined);
    throw e;
  }
  // The rest of a small file is written with synchronous calls (see putObject in upload-ops.ts
  // for the cost of thread-pool round trips); only the fsync, which can take milliseconds, stays async.
  const hash = createHash('sha512');
  const size = Math.min(WRITE_CHUNK, Math.max(BLOCK, t.decryptedSize));
  const w = new PositionalWriter((b, o, l, p) => ({ bytesWritten: writeSync(fd, b, o, l, p) }), 0, take(size), give, { hash });
  try {
    const { got, d } = await pump(body, false, (x) => new RangeDecryptor(t.key, x, true), iv, w, ctx);
    if (got !== contentLength) throw fail('network_error', `short read: got ${got} of ${contentLength} bytes`, true);
    await w.push(d.finish());
    await w.flush();
    await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve()))); // before the rename, the bytes must be on disk
    return { sha512: hash.digest('hex'), plainBytes: w.written };
  } finally {
    w.release();
    closeSync(fd);
  }
}
