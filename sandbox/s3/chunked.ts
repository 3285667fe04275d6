import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error, s3err } from './errors';
import { EMPTY_SHA256, hmac, sameHex } from './sigv4';

/** What is needed to check STREAMING-AWS4-HMAC-SHA256-PAYLOAD chunk signatures. */
export interface ChunkSigning {
  key: Buffer;
  amzDate: string;
  scope: string;
  seedSignature: string;
}

const MAX_LINE = 8192;

/**
 * Decodes `Content-Encoding: aws-chunked` bodies (signed or unsigned, with or without
 * trailers) into the plain payload, so the chunk framing never reaches the stored object.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  decodedBytes = 0;
  private state: 'header' | 'data' | 'cr' | 'lf' | 'trailer' | 'done' = 'header';
  private line = '';
  private remaining = 0;
  private chunkSig = '';
  private chunkHash: Hash | null = null;
  private prevSig: string;

  constructor(private readonly signing: ChunkSigning | null) {
    super();
    this.prevSig = signing?.seedSignature ?? '';
  }

  override _transform(buf: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.consume(buf);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    // Tolerate a missing final CRLF after the last chunk or trailer.
    if (this.state === 'done' || (this.state === 'trailer' && this.line === '')) cb();
    else cb(s3err.incompleteBody());
  }

  private consume(buf: Buffer): void {
    let i = 0;
    while (i < buf.length) {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - i);
        const slice = buf.subarray(i, i + n);
        this.chunkHash?.update(slice);
        this.decodedBytes += n;
        this.push(slice);
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) {
          this.endChunk();
          this.state = 'cr';
        }
      } else if (this.state === 'cr' || this.state === 'lf') {
        const c = buf[i++];
        if (this.state === 'cr' && c === 0x0d) this.state = 'lf';
        else if (c === 0x0a) this.state = 'header';
        else throw this.malformed();
      } else if (this.state === 'done') {
        return;
      } else {
        const nl = buf.indexOf(0x0a, i);
        const end = nl < 0 ? buf.length : nl;
        this.line += buf.toString('latin1', i, end);
        if (this.line.length > MAX_LINE) throw this.malformed();
        i = end;
        if (nl < 0) return;
        i += 1;
        const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line;
        this.line = '';
        if (this.state === 'header') this.startChunk(line);
        else this.addTrailer(line);
      }
    }
  }

  private startChunk(line: string): void {
    const [sizeHex, ...exts] = line.split(';');
    const size = parseInt(sizeHex ?? '', 16);
    if (!/^[0-9a-fA-F]+$/.test(sizeHex ?? '') || Number.isNaN(size)) throw this.malformed();
    const sigExt = exts.find((e) => e.startsWith('chunk-signature='));
    this.chunkSig = sigExt ? sigExt.slice('chunk-signature='.length) : '';
    if (this.signing && !this.chunkSig) throw this.malformed();
    this.chunkHash = this.signing ? createHash('sha256') : null;
    if (size === 0) {
      this.endChunk();
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.state = 'data';
    }
  }

  private endChunk(): void {
    if (!this.signing || !this.chunkHash) return;
    const sts = ['AWS4-HMAC-SHA256-PAYLOAD', this.signing.amzDate, this.signing.scope, this.prevSig, EMPTY_SHA256, this.chunkHash.digest('hex')].join('\n');
    const expected = hmac(this.signing.key, sts).toString('hex');
    if (!sameHex(expected, this.chunkSig)) throw s3err.signatureMismatch();
    this.prevSig = expected;
  }

  private addTrailer(line: string): void {
    if (line === '') {
      this.state = 'done';
      return;
    }
    const i = line.indexOf(':');
    if (i <= 0) throw this.malformed();
    this.trailers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }

  private malformed(): S3Error {
    return new S3Error('IncompleteBody', 'The request body is not valid aws-chunked encoding.', 400);
  }
}
