import { createHash, randomBytes, type Hash } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { removeQuietly } from '../util/fsx';
import type { AwsChunkedDecoder } from './chunked';
import { s3err } from './errors';
import type { HashPool } from './hash-pool';

/** Flexible-checksum algorithms we can verify with Node built-ins (others are accepted unchecked). */
const CHECKABLE = ['crc32', 'sha1', 'sha256'] as const;

export interface IngestOptions {
  /** Hex sha256 to verify (from x-amz-content-sha256), if the client signed the payload. */
  sha256?: string;
  /** Base64 Content-MD5 to verify. */
  contentMd5?: string;
  /** Present for aws-chunked bodies. */
  decoder?: AwsChunkedDecoder;
  decodedLength?: number;
  /** x-amz-checksum-* values from headers (base64), by algorithm. */
  checksums: Map<string, string>;
  /** Algorithms announced in x-amz-trailer. */
  trailerChecksums: string[];
  /** Cheap CRC-based ETags instead of MD5 (see SandboxOptions.fastEtags). */
  fastEtag?: boolean;
  /** The request's Content-Length (the wire length: for aws-chunked bodies it includes framing). */
  contentLength?: number;
}

/** Bodies up to this size are gathered in memory and written with one synchronous call. */
const SMALL_BODY = 1 << 20;

export interface IngestResult {
  size: number;
  /** Quoted, as S3 sends it. */
  etag: string;
  /** A small body, when the caller asked for it in memory; then nothing was written to tmpFile. */
  body?: Buffer;
}

type Tap = Transform & { bytes: number; digests: Record<string, string> };

/** The digests of one body, fed chunk by chunk; base64 values by algorithm. */
class Digests {
  private readonly hashes: [string, Hash][];
  private crc: number | null;

  constructor(algos: string[]) {
    this.hashes = algos.filter((a) => a !== 'crc32').map((a) => [a, createHash(a)]);
    this.crc = algos.includes('crc32') ? 0 : null;
  }

  update(chunk: Buffer): void {
    for (const [, h] of this.hashes) h.update(chunk);
    if (this.crc !== null) this.crc = crc32(chunk, this.crc);
  }

  finish(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [a, h] of this.hashes) out[a] = h.digest('base64');
    if (this.crc !== null) {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(this.crc >>> 0);
      out['crc32'] = b.toString('base64');
    }
    return out;
  }
}

/** In-process hashing (used when no worker pool is configured). */
class InlineHashTap extends Transform {
  bytes = 0;
  digests: Record<string, string> = {};
  private readonly d: Digests;

  constructor(algos: string[]) {
    super();
    this.d = new Digests(algos);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.d.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.digests = this.d.finish();
    cb();
  }
}

/**
 * A small body, whole, without a stream pipeline: pipeline()'s teardown builds an AbortError
 * (a DOMException with a stack) per request, ~60 µs of the sandbox's CPU for each small PUT.
 */
function readWhole(src: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (src.errored) return reject(src.errored); // failed before it was read (a cut small body)
    if (src.destroyed) return reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    const chunks: Buffer[] = [];
    src.on('data', (c: Buffer) => chunks.push(c));
    src.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    src.once('error', reject);
    src.once('close', () => {
      if (!src.readableEnded) reject(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    });
  });
}

/**
 * Streams a request body into `tmpFile`, verifying every digest the client declared; with
 * `smallInMemory`, a body of up to 1 MiB is returned instead (for a pack file) and no file is
 * written. On any failure the temp file is removed and the error is rethrown.
 */
export async function ingestBody(src: Readable, tmpFile: string, opts: IngestOptions, pool?: HashPool | null, smallInMemory = false): Promise<IngestResult> {
  const wanted = new Set([...opts.checksums.keys(), ...opts.trailerChecksums]);
  const md5 = !opts.fastEtag || opts.contentMd5 !== undefined;
  const algos = new Set<string>([md5 ? 'md5' : 'crc32']);
  if (opts.sha256) algos.add('sha256');
  for (const a of CHECKABLE) if (wanted.has(a)) algos.add(a);
  const small = !opts.decoder && opts.contentLength !== undefined && opts.contentLength <= SMALL_BODY;
  let tap: Tap | null = null;
  let out: Writable | null = null;
  try {
    let body: Buffer | undefined;
    let d: Record<string, string>;
    let bytes: number;
    if (small) {
      // A small body skips the write stream: its open/write/close are three thread-pool round
      // trips, which cost more CPU than the whole 64 KiB write does synchronously (sandbox/README.md).
      body = await readWhole(src);
      const digests = new Digests([...algos]);
      digests.update(body);
      d = digests.finish();
      bytes = body.length;
      if (!smallInMemory) writeFileSync(tmpFile, body);
    } else {
      tap = pool && pool.size > 0 ? pool.tap([...algos]) : new InlineHashTap([...algos]);
      out = createWriteStream(tmpFile, { highWaterMark: 4 << 20 });
      if (opts.decoder) await pipeline(src, opts.decoder, tap, out);
      else await pipeline(src, tap, out);
      d = tap.digests;
      bytes = tap.bytes;
    }
    if (opts.decoder && opts.decodedLength !== undefined && bytes !== opts.decodedLength) throw s3err.incompleteBody();
    if (opts.sha256) {
      const got = Buffer.from(d['sha256'] ?? '', 'base64').toString('hex');
      if (got !== opts.sha256.toLowerCase()) throw s3err.sha256Mismatch(opts.sha256, got);
    }
    if (opts.contentMd5 !== undefined && d['md5'] !== opts.contentMd5) throw s3err.badDigest();
    for (const algo of CHECKABLE) {
      if (!wanted.has(algo)) continue;
      const expected = opts.checksums.get(algo) ?? opts.decoder?.trailers.get(`x-amz-checksum-${algo}`);
      if (expected === undefined) throw s3err.invalidRequest(`Missing trailer x-amz-checksum-${algo}.`);
      if (d[algo] !== expected) throw s3err.badDigest(`The ${algo.toUpperCase()} you specified did not match the calculated checksum.`);
    }
    const kept = smallInMemory && body ? { body } : {};
    if (md5) return { size: bytes, etag: `"${Buffer.from(d['md5'] ?? '', 'base64').toString('hex')}"`, ...kept };
    // Not an MD5: the "-" suffix makes MD5-checking peers (rclone, s3cmd) skip the comparison.
    const crc = Buffer.from(d['crc32'] ?? '', 'base64').toString('hex');
    return { size: bytes, etag: `"${crc}${bytes.toString(16).padStart(12, '0')}${randomBytes(6).toString('hex')}-1"`, ...kept };
  } catch (err) {
    tap?.destroy();
    out?.destroy();
    await removeQuietly(tmpFile);
    throw err;
  }
}
