// Local file reading and hashing inside a worker: large positional reads (libuv round trips
// cost 75-150 µs here, so 1-4 MiB reads, benchmarking-notes §2), and a size/mtime stamp check
// before and after every read so a file edited mid-upload is caught, not silently mixed.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fail, toErrorInfo, TransferError } from '../errors';
import { give, take } from './buffers';
import type { FileStamp } from './protocol';
import type { OpCtx } from './s3';

const HASH_CHUNK = 4 << 20;

export async function checkStamp(fh: FileHandle, stamp: FileStamp | undefined, path: string): Promise<void> {
  if (!stamp) return;
  const st = await fh.stat();
  if (st.size !== stamp.size || st.mtimeMs !== stamp.mtimeMs) throw changed(stamp, stampOf(st), path);
}

function stampOf(st: { size: number; mtimeMs: number }): FileStamp {
  return { size: st.size, mtimeMs: st.mtimeMs };
}

function changed(stamp: FileStamp, now: FileStamp, path: string): TransferError {
  return fail('file_changed', `The file changed while it was being uploaded (size ${stamp.size} → ${now.size}): ${path}`);
}

/**
 * Reads a whole small file with synchronous calls (for the worker's one-request uploads), with
 * the same stamp checks as the async path: the stat that gives the stamp, and one after the read.
 */
export function readSmallFile(path: string, expected: FileStamp | undefined, maxSize: number): { tooLarge: true; stamp: FileStamp } | { tooLarge: false; plain: Buffer; stamp: FileStamp } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new TransferError(toErrorInfo(e, path));
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw fail('not_a_file', `Not a regular file: ${path}`);
    const stamp = expected ?? stampOf(st);
    if (st.size > maxSize) return { tooLarge: true, stamp };
    if (st.size !== stamp.size || st.mtimeMs !== stamp.mtimeMs) throw changed(stamp, stampOf(st), path);
    const plain = Buffer.allocUnsafeSlow(stamp.size);
    for (let done = 0; done < plain.length; ) {
      const n = readSync(fd, plain, done, plain.length - done, done);
      if (n === 0) throw fail('file_changed', 'The file became shorter while it was being read');
      done += n;
    }
    const after = stampOf(fstatSync(fd));
    if (after.size !== stamp.size || after.mtimeMs !== stamp.mtimeMs) throw changed(stamp, after, path);
    return { tooLarge: false, plain, stamp };
  } catch (e) {
    throw e instanceof TransferError ? e : new TransferError(toErrorInfo(e, path));
  } finally {
    closeSync(fd);
  }
}

export async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesRead } = await fh.read(buf, done, buf.length - done, position + done);
    if (bytesRead === 0) throw fail('file_changed', 'The file became shorter while it was being read');
    done += bytesRead;
  }
}

/**
 * SHA-512 of a whole file. Double-buffered: the next read is in flight while the current
 * chunk is hashed. With `follow`, reads never pass the slot's watermark, so a download can be
 * hashed while its ranges are still arriving.
 */
export async function hashFile(path: string, ctx: OpCtx, stamp?: FileStamp, follow?: { total: number }): Promise<{ sha512: string; bytes: number }> {
  const fh = await open(path, 'r');
  try {
    await checkStamp(fh, stamp, path);
    const total = follow ? follow.total : (await fh.stat()).size;
    const h = createHash('sha512');
    const bufs = [take(HASH_CHUNK), take(HASH_CHUNK)];
    const readAt = async (pos: number, which: number): Promise<number> => {
      const len = Math.min(HASH_CHUNK, total - pos);
      if (len <= 0) return 0;
      if (follow) await ctx.slots.waitWatermark(ctx.slot, pos + len, ctx.signal);
      const b = bufs[which] as Buffer;
      await readFully(fh, b.subarray(0, len), pos);
      return len;
    };
    let pos = 0;
    let which = 0;
    let pending = readAt(0, 0);
    pending.catch(() => undefined); // rejections are observed by the await below
    while (pos < total) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const len = await pending;
      if (len === 0) break;
      const next = pos + len;
      pending = readAt(next, 1 - which);
      pending.catch(() => undefined);
      h.update((bufs[which] as Buffer).subarray(0, len));
      pos = next;
      which = 1 - which;
    }
    await pending;
    await checkStamp(fh, stamp, path);
    for (const b of bufs) give(b);
    return { sha512: h.digest('hex'), bytes: pos };
  } finally {
    await fh.close();
  }
}
