// Upload-side operations that carry file data (parts and whole small files), run inside a
// worker thread; the storage's own requests are its back end's (backend.ts).
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BLOCK, encryptPart, PartEncryptor } from '../../crypto';
import { give, take } from './buffers';
import { checkStamp, forEachSlice, readSmallFile } from './files';
import type { TaskOf, TaskResults } from './protocol';
import { meteredBody, type OpCtx } from './s3';
import { backendFor } from './backend';

const SLICE = 1 << 20; // read 1 MiB at a time (fast here) and encrypt it straight into the part buffer

/** Reads and chain-encrypts one part into a pooled buffer (the caller gives it back). */
async function encryptPartFromFile(t: TaskOf<'uploadPart'>): Promise<{ out: Buffer; length: number; lastBlock: Buffer }> {
  const fh = await open(t.path, 'r');
  const out = take(Math.max(t.bufferSize, t.length + BLOCK));
  try {
    await checkStamp(fh, t.stamp, t.path);
    const enc = new PartEncryptor(t.key, t.iv, out);
    forEachSlice(fh, t.offset, t.length, SLICE, (view, last) => enc.push(view, t.final && last));
    if (t.length === 0) enc.push(Buffer.alloc(0), true);
    await checkStamp(fh, t.stamp, t.path);
    const { length, lastBlock } = enc.finish();
    return { out, length, lastBlock };
  } catch (e) {
    give(out);
    throw e;
  } finally {
    await fh.close();
  }
}

export async function uploadPart(t: TaskOf<'uploadPart'>, ctx: OpCtx): Promise<TaskResults['uploadPart']> {
  const { out, length, lastBlock } = await encryptPartFromFile(t);
  try {
    // The next part's encryption can start now: hand its IV over before we upload.
    ctx.slots.publishLastBlock(ctx.slot, lastBlock);
    const cipher = out.subarray(0, length);
    const backend = backendFor(t.loc);
    if (t.verifyEtag !== undefined && backend.samePart(t.verifyEtag, t.partNumber, cipher, lastBlock)) {
      return { etag: t.verifyEtag, cipherLength: length, lastBlock, adopted: true };
    }
    const body = meteredBody([cipher], ctx);
    const etag = await backend.sendPart(t.loc, t.uploadId, t.partNumber, { body, length, lastBlock }, ctx.signal);
    return { etag, cipherLength: length, lastBlock, adopted: false };
  } finally {
    give(out);
  }
}

/**
 * A file small enough for one request: hash, encrypt and PUT in one pass over one read.
 * The file is read with synchronous calls: this runs in a worker (blocking it for a 64 KiB
 * read is ~40 µs), while each async fs call is a libuv thread-pool round trip that costs
 * ~120 µs of CPU on a small VM; measured 710 → 38 µs per small file.
 */
export async function putObject(t: TaskOf<'putObject'>, ctx: OpCtx): Promise<TaskResults['putObject']> {
  const read = readSmallFile(t.path, t.stamp, t.maxSize);
  if (read.tooLarge) return { tooLarge: true, stamp: read.stamp };
  const { plain, stamp } = read;
  const sha512 = createHash('sha512').update(plain).digest('hex');
  const enc = encryptPart(t.key, t.iv, plain, true);
  await backendFor(t.loc).putWhole(t.loc, meteredBody(enc.chunks, ctx), enc.length, t.metadata, ctx.signal);
  return { tooLarge: false, sha512, cipherLength: enc.length, stamp };
}
