// Download-side operations, run inside a worker: ranged GET → CBC decrypt → positional write.
// A range starting at ciphertext offset k·16 (k > 0) is fetched from 16 bytes earlier; that
// extra block is the IV. Only the range that ends the object strips PKCS7 padding.
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { BLOCK, RangeDecryptor } from '../../crypto';
import { fail } from '../errors';
import type { TaskOf, TaskResults } from './protocol';
import { s3For, type OpCtx } from './s3';

const WRITE_CHUNK = 4 << 20; // writes of >= 4 MiB (benchmarking-notes §2)

/** Gathers plaintext pieces into large positional vectored writes (no concatenation copy). */
class PositionalWriter {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(
    private readonly fh: FileHandle,
    private position: number,
    private readonly hash?: Hash,
  ) {}
  async push(pieces: Buffer[] | Buffer): Promise<void> {
    for (const b of Array.isArray(pieces) ? pieces : [pieces]) {
      if (b.length === 0) continue;
      this.hash?.update(b);
      this.parts.push(b);
      this.size += b.length;
    }
    if (this.size >= WRITE_CHUNK) await this.flush();
  }
  async flush(): Promise<void> {
    let parts = this.parts;
    let left = this.size;
    this.parts = [];
    this.size = 0;
    while (left > 0) {
      const { bytesWritten } = await this.fh.writev(parts, this.position);
      this.position += bytesWritten;
      left -= bytesWritten;
      if (left > 0) parts = dropBytes(parts, bytesWritten); // a short write: continue after it
    }
  }
  get written(): number {
    return this.position;
  }
}

function dropBytes(parts: Buffer[], n: number): Buffer[] {
  const out: Buffer[] = [];
  for (const p of parts) {
    if (n >= p.length) n -= p.length;
    else {
      out.push(n > 0 ? p.subarray(n) : p);
      n = 0;
    }
  }
  return out;
}

async function fetchRange(t: { loc: TaskOf<'downloadRange'>['loc']; etag?: string }, from: number, toInclusive: number, ctx: OpCtx): Promise<Readable> {
  const r = await s3For(t.loc).send(
    new GetObjectCommand({ Bucket: t.loc.bucket, Key: t.loc.key, Range: `bytes=${from}-${toInclusive}`, ...(t.etag ? { IfMatch: t.etag } : {}) }),
    { abortSignal: ctx.signal },
  );
  if (!r.Body) throw fail('storage_error', 'storage returned no body', true);
  return r.Body as Readable;
}

/** Streams ciphertext through the decryptor into the writer; returns ciphertext bytes consumed. */
async function pump(body: Readable, skipIv: boolean, makeDecryptor: (iv: Buffer) => RangeDecryptor, iv0: Uint8Array, w: PositionalWriter, ctx: OpCtx): Promise<{ got: number; d: RangeDecryptor }> {
  let got = 0;
  let ivBuf = Buffer.alloc(0);
  let d: RangeDecryptor | null = skipIv ? null : makeDecryptor(Buffer.from(iv0));
  try {
    for await (const raw of body) {
      let chunk = raw as Buffer;
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
      await w.push(d.update(chunk));
    }
  } finally {
    body.destroy();
  }
  if (!d) throw fail('network_error', 'the response ended before the first block', true);
  return { got, d };
}

export async function downloadRange(t: TaskOf<'downloadRange'>, ctx: OpCtx): Promise<TaskResults['downloadRange']> {
  if (t.cipherOffset % BLOCK !== 0 || t.cipherLength % BLOCK !== 0) throw fail('internal', 'ranges must be block-aligned');
  const from = t.cipherOffset === 0 ? 0 : t.cipherOffset - BLOCK;
  const to = t.cipherOffset + t.cipherLength - 1;
  const fh = await open(t.path, 'r+');
  try {
    const w = new PositionalWriter(fh, t.cipherOffset);
    const body = await fetchRange(t, from, to, ctx);
    const { got, d } = await pump(body, t.cipherOffset !== 0, (iv) => new RangeDecryptor(t.key, iv, t.final), t.iv, w, ctx);
    if (got !== to - from + 1) throw fail('network_error', `short read: got ${got} of ${to - from + 1} bytes`, true);
    await w.push(d.finish());
    await w.flush();
    // No fsync per range: written data survives a crash of our process (kill -9) in the page
    // cache, and a power cut is caught by the SHA-512 check before the rename (download-job.ts).
    // The whole file is synced once, before it gets its final name.
    return { plainBytes: w.written - t.cipherOffset };
  } finally {
    await fh.close();
  }
}

/** A whole small object: one GET, decrypt, hash, write the temp file. */
export async function downloadWhole(t: TaskOf<'downloadWhole'>, ctx: OpCtx): Promise<TaskResults['downloadWhole']> {
  const fh = await open(t.path, 'w');
  try {
    const hash = createHash('sha512');
    const w = new PositionalWriter(fh, 0, hash);
    const body = await fetchRange(t, 0, t.cipherLength - 1, ctx);
    const { got, d } = await pump(body, false, (iv) => new RangeDecryptor(t.key, iv, true), t.iv, w, ctx);
    if (got !== t.cipherLength) throw fail('network_error', `short read: got ${got} of ${t.cipherLength} bytes`, true);
    await w.push(d.finish());
    await w.flush();
    await fh.datasync(); // before the rename, the bytes must be on disk
    return { sha512: hash.digest('hex'), plainBytes: w.written };
  } finally {
    await fh.close();
  }
}
