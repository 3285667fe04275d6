import { removeQuietly } from '../util/fsx';
import { httpDate, isoMillis } from '../util/time';
import { s3err } from './errors';
import { ingestBody } from './ingest';
import type { ObjectMeta, ObjectStore } from './object-store';
import { parseRange } from './range';
import { checkAccess, header, ingestOptions, requireContentLength, storedHeaders, userMetadata, xmlResult, type S3Request, type S3Result } from './request';
import { safeDecode } from './sigv4';
import { tags } from './xml';

function requireBucket(objects: ObjectStore, bucket: string): void {
  if (!objects.hasBucket(bucket)) throw s3err.noSuchBucket(bucket);
}

export async function putObject(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  requireContentLength(r);
  checkAccess(r, r.bucket, r.key);
  requireBucket(objects, r.bucket);
  const tmp = objects.tmpFile();
  const { size, etag, body } = await ingestBody(r.body, tmp, ingestOptions(r), r.hashPool, true);
  const info = {
    size,
    etag,
    contentType: header(r.headers, 'content-type') ?? 'binary/octet-stream',
    headers: storedHeaders(r.headers),
    metadata: userMetadata(r.headers),
  };
  try {
    const meta = body ? await objects.commitBody(r.bucket, r.key, body, info) : await objects.commit(r.bucket, r.key, [{ path: tmp, size }], info);
    return { status: 200, headers: { etag: meta.etag, ...echoChecksums(r) } };
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
}

/** Flexible checksums the client sent are echoed back, as S3 does. */
export function echoChecksums(r: S3Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) if (k.startsWith('x-amz-checksum-') && typeof v === 'string') out[k] = v;
  return out;
}

function notModified(meta: ObjectMeta, r: S3Request): S3Result | null {
  const ifMatch = header(r.headers, 'if-match');
  if (ifMatch && ifMatch !== '*' && !ifMatch.split(',').some((e) => e.trim() === meta.etag)) throw s3err.preconditionFailed();
  const ifNone = header(r.headers, 'if-none-match');
  if (ifNone && (ifNone === '*' || ifNone.split(',').some((e) => e.trim() === meta.etag))) {
    return { status: 304, headers: { etag: meta.etag, 'last-modified': httpDate(meta.lastModified) } };
  }
  const ims = Date.parse(header(r.headers, 'if-modified-since') ?? '');
  if (!ifNone && !Number.isNaN(ims) && Math.floor(meta.lastModified / 1000) * 1000 <= ims) {
    return { status: 304, headers: { etag: meta.etag, 'last-modified': httpDate(meta.lastModified) } };
  }
  const ius = Date.parse(header(r.headers, 'if-unmodified-since') ?? '');
  if (!ifMatch && !Number.isNaN(ius) && Math.floor(meta.lastModified / 1000) * 1000 > ius) throw s3err.preconditionFailed();
  return null;
}

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
  'response-content-language': 'content-language',
  'response-cache-control': 'cache-control',
  'response-expires': 'expires',
};

export async function getObject(objects: ObjectStore, r: S3Request, headOnly: boolean): Promise<S3Result> {
  checkAccess(r, r.bucket, r.key);
  requireBucket(objects, r.bucket);
  const meta = objects.get(r.bucket, r.key);
  if (!meta) throw s3err.noSuchKey(r.key);
  const cond = notModified(meta, r);
  if (cond) return cond;
  const range = parseRange(header(r.headers, 'range'), meta.size);
  if (range === 'invalid') throw s3err.invalidRange(meta.size);
  const headers: Record<string, string | number> = {
    'content-type': meta.contentType,
    etag: meta.etag,
    'last-modified': httpDate(meta.lastModified),
    'accept-ranges': 'bytes',
    ...meta.headers,
  };
  for (const [k, v] of Object.entries(meta.metadata)) headers[`x-amz-meta-${k}`] = v;
  for (const [q, h] of Object.entries(OVERRIDES)) {
    const v = r.query.get(q);
    if (v !== undefined) headers[h] = v;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? meta.size - 1;
  headers['content-length'] = end - start + 1;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${meta.size}`;
  const status = range ? 206 : 200;
  if (headOnly || meta.size === 0) return { status, headers, body: headOnly ? undefined : Buffer.alloc(0) };
  if (end - start < SMALL_READ) return { status, headers, body: objects.readSmall(meta, start, end) };
  return { status, headers, send: (out) => objects.streamRange(meta, start, end, out) };
}

/** Ranges below this are read in one synchronous pass and sent as one buffer. */
const SMALL_READ = 1 << 20;

export async function deleteObject(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  checkAccess(r, r.bucket, r.key);
  requireBucket(objects, r.bucket);
  await objects.delete(r.bucket, r.key);
  return { status: 204 };
}

/** CopyObject (peer tools use it for server-side copies and metadata rewrites). */
export async function copyObject(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  const source =
    safeDecode(header(r.headers, 'x-amz-copy-source') ?? '')
      .replace(/^\//, '')
      .split('?')[0] ?? '';
  const slash = source.indexOf('/');
  if (slash <= 0) throw s3err.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  const [srcBucket, srcKey] = [source.slice(0, slash), source.slice(slash + 1)];
  checkAccess(r, srcBucket, srcKey);
  checkAccess(r, r.bucket, r.key);
  requireBucket(objects, r.bucket);
  const src = objects.get(srcBucket, srcKey);
  if (!src) throw s3err.noSuchKey(srcKey);
  const replace = header(r.headers, 'x-amz-metadata-directive') === 'REPLACE';
  const files: { path: string; size: number }[] = [];
  try {
    for (const seg of src.segments) {
      const tmp = objects.tmpFile();
      files.push({ path: tmp, size: seg.size });
      await objects.copySegment(seg, tmp);
    }
    const meta = await objects.commit(r.bucket, r.key, files, {
      size: src.size,
      etag: src.etag,
      contentType: replace ? (header(r.headers, 'content-type') ?? 'binary/octet-stream') : src.contentType,
      headers: replace ? storedHeaders(r.headers) : src.headers,
      metadata: replace ? userMetadata(r.headers) : src.metadata,
      ...(src.partsCount ? { partsCount: src.partsCount } : {}),
    });
    return xmlResult('CopyObjectResult', tags({ LastModified: isoMillis(meta.lastModified), ETag: meta.etag }));
  } catch (err) {
    await Promise.all(files.map((f) => removeQuietly(f.path)));
    throw err;
  }
}
