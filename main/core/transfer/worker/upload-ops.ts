// Upload-side S3 operations that carry file data (parts and whole small files), run inside a
// worker thread. The control calls around them are in s3-control.ts.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { BLOCK, encryptPart, PartEncryptor } from '../../crypto';
import { give, take } from './buffers';
import { fail } from '../errors';
import { checkStamp, forEachSlice, readSmallFile } from './files';
import type { TaskOf, TaskResults } from './protocol';
import { meteredBody, type OpCtx } from './s3';
import { metadataHeaders } from './s3-control';
import { header, s3Send } from './s3-direct';

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

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
    if (t.verifyEtag !== undefined && createHash('md5').update(cipher).digest('hex') === unquote(t.verifyEtag)) {
      return { etag: t.verifyEtag, cipherLength: length, lastBlock, adopted: true };
    }
    const r = await s3Send(t.loc, 'PUT', {
      query: { partNumber: String(t.partNumber), uploadId: t.uploadId },
      headers: { 'content-length': String(length) },
      body: meteredBody([cipher], ctx),
      signal: ctx.signal,
    });
    await r.body.resume();
    const etag = header(r, 'etag');
    if (!etag) throw fail('storage_error', `storage returned no ETag for part ${t.partNumber}`, true);
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
  const headers = { 'content-length': String(enc.length), ...metadataHeaders(t.metadata) };
  const r = await s3Send(t.loc, 'PUT', { headers, body: meteredBody(enc.chunks, ctx), signal: ctx.signal });
  await r.body.resume();
  return { tooLarge: false, sha512, cipherLength: enc.length, stamp };
}
