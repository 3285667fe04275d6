// SHA-512 of a download while its ranges are still arriving, on the hashing thread: reads never
// pass what the slot says is readable (the bytes from offset 0 that are decrypted and written:
// the watermark of whole ranges, and the part of the next range written so far), and the
// file is read back with direct I/O where possible, as its ranges were written (direct-io.ts),
// so the hash is of what the disk holds.
//
// The next 4 MiB is read while the current one is hashed: a direct read is device time, not
// CPU, and reading and hashing in turn left the hash 1.4-2.5 s behind the last range of a 1 GiB
// download (measured); the hash is what the download waits for at its end.
import { createHash } from 'node:crypto';
import { read } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fail } from '../errors';
import { give, take } from './buffers';
import { DIRECT_ALIGN, giveAligned, isDirectRefusal, openDirect, takeAligned } from './direct-io';
import type { OpCtx } from './s3';

const CHUNK = 4 << 20;

function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buf, offset, length, position, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Reads [pos, pos+len) into `buf` in requests of whole `block`s (the file's end stops the last
 * one early). Returns the bytes read: at least `len`, or fewer if a short read left an offset
 * that is not a whole block (direct I/O cannot go on from there).
 */
async function readSpan(fd: number, buf: Buffer, pos: number, len: number, block: number): Promise<number> {
  const want = Math.ceil(len / block) * block;
  let done = 0;
  while (done < len && done % block === 0) {
    const n = await readAt(fd, buf, done, want - done, pos + done);
    if (n === 0) throw fail('file_changed', 'The download became shorter while it was being verified');
    done += n;
  }
  return done;
}

export async function hashDownload(path: string, ctx: OpCtx, total: number): Promise<{ sha512: string; bytes: number }> {
  let direct = await openDirect(path, 'read').catch(() => null);
  let buffered: FileHandle | null = direct ? null : await open(path, 'r');
  const aligned = direct !== null;
  const bufs = aligned ? [takeAligned(CHUNK), takeAligned(CHUNK)] : [take(CHUNK), take(CHUNK)];

  /** Fills `buf` with [pos, pos+len), directly while the file system allows it. */
  async function fill(buf: Buffer, pos: number, len: number): Promise<Buffer> {
    if (direct) {
      try {
        if ((await readSpan(direct.fd, buf, pos, len, DIRECT_ALIGN)) >= len) return buf.subarray(0, len);
      } catch (e) {
        if (!isDirectRefusal(e)) throw e;
      }
      // Refused, or an odd short read: the rest of the file goes through the page cache.
      await direct.close();
      direct = null;
      buffered = await open(path, 'r');
    }
    await readSpan((buffered as FileHandle).fd, buf, pos, len, 1);
    return buf.subarray(0, len);
  }

  /** Starts reading chunk `i` now if its bytes are written (so the read overlaps the hashing), else once they are. */
  function chunk(i: number): Promise<Buffer> {
    const pos = i * CHUNK;
    const len = Math.min(CHUNK, total - pos);
    const buf = bufs[i % 2] as Buffer;
    if (ctx.slots.readable(ctx.slot) >= pos + len) return fill(buf, pos, len);
    return ctx.slots.waitWatermark(ctx.slot, pos + len, ctx.signal).then(() => fill(buf, pos, len));
  }

  const count = Math.ceil(total / CHUNK);
  const h = createHash('sha512');
  let next: Promise<Buffer> | null = count > 0 ? chunk(0) : null;
  try {
    for (let i = 0; i < count; i++) {
      const view = await (next as Promise<Buffer>);
      next = null;
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (i + 1 < count) next = chunk(i + 1);
      h.update(view);
    }
    return { sha512: h.digest('hex'), bytes: total };
  } finally {
    await (next as Promise<Buffer> | null)?.catch(() => undefined); // a read in flight still owns its buffer
    for (const b of bufs) {
      if (aligned) giveAligned(b);
      else give(b);
    }
    await Promise.all([direct?.close(), (buffered as FileHandle | null)?.close()]);
  }
}
