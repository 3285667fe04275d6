import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import { AwsChunkedDecoder } from './chunked';
import type { ResolvedCredential } from './credentials';
import type { HashPool } from './hash-pool';
import { S3Error, s3err } from './errors';
import type { IngestOptions } from './ingest';
import { sha256Hex, signingKey, type AuthParams } from './sigv4';
import { doc } from './xml';

export interface S3Request {
  req: IncomingMessage;
  method: string;
  bucket: string;
  key: string;
  query: Map<string, string>;
  headers: IncomingHttpHeaders;
  auth: AuthParams;
  cred: ResolvedCredential;
  /** The request body (possibly wrapped by a cut fault). */
  body: Readable;
  requestId: string;
  /** Worker threads for upload hashing (null: hash on the event loop). */
  hashPool: HashPool | null;
  fastEtags: boolean;
}

export interface S3Result {
  status: number;
  headers?: Record<string, string | number>;
  body?: string | Buffer | Readable;
  /** Streams a large body straight to the response (used for object data). */
  send?: (out: Writable) => Promise<void>;
}

export function xmlResult(root: string, inner: string, status = 200): S3Result {
  return { status, headers: { 'content-type': 'application/xml' }, body: doc(root, inner) };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** `x-amz-meta-*` as S3 stores them: lower-cased names, values verbatim. */
export function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith('x-amz-meta-') && v !== undefined) out[k.slice('x-amz-meta-'.length)] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/** System headers S3 keeps with an object and returns on GET/HEAD. */
export function storedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['cache-control', 'content-disposition', 'content-language', 'expires']) {
    const v = header(headers, name);
    if (v) out[name] = v;
  }
  const enc = (header(headers, 'content-encoding') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'aws-chunked');
  if (enc.length) out['content-encoding'] = enc.join(',');
  return out;
}

const CHECKSUM_ALGOS = ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'];

/** Reads the payload-integrity declarations of an upload (sha256, MD5, chunking, flexible checksums). */
export function ingestOptions(r: S3Request): IngestOptions {
  const h = r.headers;
  const payload = r.auth.payloadHash;
  const checksums = new Map<string, string>();
  for (const algo of CHECKSUM_ALGOS) {
    const v = header(h, `x-amz-checksum-${algo}`);
    if (v) checksums.set(algo, v);
  }
  const trailerChecksums = (header(h, 'x-amz-trailer') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.startsWith('x-amz-checksum-'))
    .map((s) => s.slice('x-amz-checksum-'.length));
  const opts: IngestOptions = { checksums, trailerChecksums, fastEtag: r.fastEtags };
  const length = Number(header(h, 'content-length') ?? NaN);
  if (Number.isSafeInteger(length) && length >= 0) opts.contentLength = length;
  const md5 = header(h, 'content-md5');
  if (md5) opts.contentMd5 = md5;
  if (/^[0-9a-fA-F]{64}$/.test(payload)) opts.sha256 = payload;
  const chunked = payload.startsWith('STREAMING-') || /aws-chunked/.test(header(h, 'content-encoding') ?? '');
  if (chunked) {
    const signed = payload.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD');
    if (signed && r.auth.mode !== 'header') throw s3err.invalidRequest('Streaming signed payloads need header authentication.');
    opts.decoder = new AwsChunkedDecoder(
      signed
        ? {
            key: signingKey(r.cred.secretAccessKey, r.auth.shortDate, r.auth.region, r.auth.service),
            amzDate: r.auth.amzDate,
            scope: r.auth.scope,
            seedSignature: r.auth.signature,
          }
        : null,
    );
    const decoded = header(h, 'x-amz-decoded-content-length');
    if (decoded !== undefined) opts.decodedLength = Number(decoded);
  }
  return opts;
}

/** Small XML request bodies (Complete, Delete), with the declared sha256 checked. */
export async function readSmallBody(r: S3Request, limit = 4 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of r.body) {
    const buf = c as Buffer;
    n += buf.length;
    if (n > limit) throw new S3Error('MaxMessageLengthExceeded', 'Your request was too big.', 400);
    chunks.push(buf);
  }
  const body = Buffer.concat(chunks);
  const declared = r.auth.payloadHash;
  if (/^[0-9a-fA-F]{64}$/.test(declared) && sha256Hex(body) !== declared.toLowerCase()) {
    throw s3err.sha256Mismatch(declared, sha256Hex(body));
  }
  return body.toString('utf8');
}

/** S3 refuses bodies of unknown length, except aws-chunked ones that declare their decoded length. */
export function requireContentLength(r: S3Request): void {
  if (header(r.headers, 'content-length') === undefined && header(r.headers, 'x-amz-decoded-content-length') === undefined) {
    throw new S3Error('MissingContentLength', 'You must provide the Content-Length HTTP header.', 411);
  }
}

/** Session credentials reach only their own bucket and key prefix; the admin key reaches all. */
export function checkAccess(r: S3Request, bucket: string, keyOrPrefix: string): void {
  const c = r.cred;
  if (c.admin) return;
  if (bucket !== c.bucket || !c.prefix || !keyOrPrefix.startsWith(c.prefix)) throw s3err.accessDenied();
}

export function requireAdmin(r: S3Request): void {
  if (!r.cred.admin) throw s3err.accessDenied();
}
