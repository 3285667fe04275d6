// Local file reading and hashing inside a worker: synchronous positional reads of 1-4 MiB
// (each async call is a thread-pool round trip of 75-150 µs here; see forEachSlice), and a
// size/mtime stamp check before and after every read so a file edited mid-upload is caught,
// not silently mixed.
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
export function readSmallFile(
  path: string,
  expected: FileStamp | undefined,
  maxSize: number,
): { tooLarge: true; stamp: FileStamp } | { tooLarge: false; plain: Buffer; stamp: FileStamp } {
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
    readFullySync(fd, plain, 0);
    const after = stampOf(fstatSync(fd));
    if (after.size !== stamp.size || after.mtimeMs !== stamp.mtimeMs) throw changed(stamp, after, path);
    return { tooLarge: false, plain, stamp };
  } catch (e) {
    throw e instanceof TransferError ? e : new TransferError(toErrorInfo(e, path));
  } finally {
    closeSync(fd);
  }
}

/** Fills `buf` from `position` with synchronous reads; a file that ends early has changed. */
export function readFullySync(fd: number, buf: Buffer, position: number): void {
  for (let done = 0; done < buf.length;) {
    const n = readSync(fd, buf, done, buf.length - done, position + done);
    if (n === 0) throw fail('file_changed', 'The file became shorter while it was being read');
    done += n;
  }
}

/**
 * Reads [offset, offset+length) in slices of `sliceSize` and hands each to `use`. The reads are
 * synchronous: in a worker that is safe, and on a small VM each thread-pool round trip
 * costs so much that the pool's encryption ran at 50-66 % of openssl with async reads (even
 * double-buffered) and at 71-77 % with readSync (test/bench crypto).
 */
export function forEachSlice(fh: FileHandle, offset: number, length: number, sliceSize: number, use: (view: Buffer, endsRange: boolean) => void): void {
  const buf = take(sliceSize);
  try {
    for (let pos = 0; pos < length;) {
      const view = buf.subarray(0, Math.min(sliceSize, length - pos));
      readFullySync(fh.fd, view, offset + pos);
      pos += view.length;
      use(view, pos >= length);
    }
  } finally {
    give(buf);
  }
}

/** SHA-512 of a whole local file (an upload's source, or a placed download being verified). */
export async function hashFile(path: string, ctx: OpCtx, stamp?: FileStamp): Promise<{ sha512: string; bytes: number }> {
  const fh = await open(path, 'r');
  const buf = take(HASH_CHUNK);
  try {
    await checkStamp(fh, stamp, path);
    const total = (await fh.stat()).size;
    const h = createHash('sha512');
    let pos = 0;
    while (pos < total) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const len = Math.min(HASH_CHUNK, total - pos);
      // Synchronous reads (see forEachSlice): this runs on the hashing thread, where nothing
      // else waits on the event loop, and a thread-pool hop per 4 MiB cost more than the read.
      const view = buf.subarray(0, len);
      readFullySync(fh.fd, view, pos);
      h.update(view);
      pos += len;
    }
    await checkStamp(fh, stamp, path);
    return { sha512: h.digest('hex'), bytes: pos };
  } finally {
    give(buf);
    await fh.close();
  }
}
