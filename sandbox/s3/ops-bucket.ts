import { isoMillis } from '../util/time';
import { S3Error, s3err } from './errors';
import type { ObjectMeta, ObjectStore } from './object-store';
import { checkAccess, readSmallBody, requireAdmin, xmlResult, type S3Request, type S3Result } from './request';
import { esc, parseXml, tags } from './xml';

const OWNER = tags({ ID: 'sandbox', DisplayName: 'sandbox' });

export function listBuckets(objects: ObjectStore, r: S3Request): S3Result {
  requireAdmin(r);
  const buckets = objects
    .listBuckets()
    .map((b) => `<Bucket>${tags({ Name: b.name, CreationDate: isoMillis(b.created) })}</Bucket>`)
    .join('');
  return xmlResult('ListAllMyBucketsResult', `<Owner>${OWNER}</Owner><Buckets>${buckets}</Buckets>`);
}

export async function createBucket(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  requireAdmin(r);
  await readSmallBody(r); // an optional CreateBucketConfiguration; the sandbox has one region
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(r.bucket)) throw s3err.invalidBucketName(r.bucket);
  if (objects.hasBucket(r.bucket)) {
    throw new S3Error('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409, {
      BucketName: r.bucket,
    });
  }
  await objects.createBucket(r.bucket);
  return { status: 200, headers: { location: `/${r.bucket}` } };
}

export function headBucket(objects: ObjectStore, r: S3Request, region: string): S3Result {
  requireAdmin(r);
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': region } };
}

export async function deleteBucket(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  requireAdmin(r);
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  if (!(await objects.deleteBucket(r.bucket))) throw s3err.bucketNotEmpty(r.bucket);
  return { status: 204 };
}

export function bucketLocation(objects: ObjectStore, r: S3Request, region: string): S3Result {
  requireAdmin(r);
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  return xmlResult('LocationConstraint', esc(region));
}

export function bucketVersioning(objects: ObjectStore, r: S3Request): S3Result {
  requireAdmin(r);
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  return xmlResult('VersioningConfiguration', '');
}

interface Listing {
  contents: ObjectMeta[];
  prefixes: string[];
  truncated: boolean;
  /** Where the next page starts: the last key or common prefix returned. */
  last: string;
}

/** The shared walk behind ListObjects v1 and v2, grouping keys by `delimiter`. */
function walk(objects: ObjectStore, bucket: string, prefix: string, delimiter: string, after: string, max: number): Listing {
  const out: Listing = { contents: [], prefixes: [], truncated: false, last: '' };
  // A marker that is itself a common prefix skips everything under it.
  let skip = delimiter && after.endsWith(delimiter) && after.startsWith(prefix) ? after : '';
  for (const meta of objects.keysFrom(bucket, prefix, after)) {
    if (skip && meta.key.startsWith(skip)) continue;
    const rest = meta.key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    if (out.contents.length + out.prefixes.length >= max) {
      out.truncated = true;
      break;
    }
    if (cut >= 0) {
      const cp = prefix + rest.slice(0, cut + delimiter.length);
      out.prefixes.push(cp);
      out.last = cp;
      skip = cp;
    } else {
      out.contents.push(meta);
      out.last = meta.key;
    }
  }
  return out;
}

function maxKeys(r: S3Request): number {
  const raw = r.query.get('max-keys');
  if (raw === undefined) return 1000;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw s3err.invalidArgument('Provided max-keys not an integer or within integer range');
  return Math.min(n, 1000);
}

export function listObjects(objects: ObjectStore, r: S3Request, v2: boolean): S3Result {
  const prefix = r.query.get('prefix') ?? '';
  const delimiter = r.query.get('delimiter') ?? '';
  const urlEncode = r.query.get('encoding-type') === 'url';
  const enc = (s: string) => (urlEncode ? encodeURIComponent(s).replace(/%2F/g, '/') : s);
  checkAccess(r, r.bucket, prefix);
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  const max = maxKeys(r);
  let after: string;
  const token = r.query.get('continuation-token');
  if (v2) {
    after = r.query.get('start-after') ?? '';
    if (token !== undefined) {
      after = Buffer.from(token, 'base64url').toString('utf8');
      if (!after) throw s3err.invalidArgument('The continuation token provided is incorrect');
    }
  } else {
    after = r.query.get('marker') ?? '';
  }
  const l = walk(objects, r.bucket, prefix, delimiter, after, max);
  const contents = l.contents
    .map((m) => {
      const owner = v2 && r.query.get('fetch-owner') !== 'true' ? '' : `<Owner>${OWNER}</Owner>`;
      return `<Contents>${tags({ Key: enc(m.key), LastModified: isoMillis(m.lastModified), ETag: m.etag, Size: m.size })}${owner}<StorageClass>STANDARD</StorageClass></Contents>`;
    })
    .join('');
  const cps = l.prefixes.map((p) => `<CommonPrefixes>${tags({ Prefix: enc(p) })}</CommonPrefixes>`).join('');
  const common = {
    Name: r.bucket,
    Prefix: enc(prefix),
    Delimiter: delimiter ? enc(delimiter) : undefined,
    MaxKeys: max,
    EncodingType: urlEncode ? 'url' : undefined,
    IsTruncated: l.truncated,
  };
  const head = v2
    ? tags({
        ...common,
        KeyCount: l.contents.length + l.prefixes.length,
        ContinuationToken: token,
        NextContinuationToken: l.truncated ? Buffer.from(l.last, 'utf8').toString('base64url') : undefined,
        StartAfter: r.query.get('start-after') !== undefined ? enc(r.query.get('start-after')!) : undefined,
      })
    : tags({ ...common, Marker: enc(after), NextMarker: l.truncated ? enc(l.last) : undefined });
  return xmlResult('ListBucketResult', head + contents + cps);
}

export async function deleteObjects(objects: ObjectStore, r: S3Request): Promise<S3Result> {
  if (!objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  const root = parseXml(await readSmallBody(r))['Delete'] as Record<string, unknown> | undefined;
  if (!root) throw s3err.malformedXml();
  const quiet = String(root['Quiet'] ?? 'false') === 'true';
  const items = (Array.isArray(root['Object']) ? root['Object'] : []) as Record<string, unknown>[];
  if (items.length > 1000) throw s3err.malformedXml();
  let out = '';
  for (const item of items) {
    const key = String(item['Key'] ?? '');
    try {
      checkAccess(r, r.bucket, key);
      await objects.delete(r.bucket, key);
      if (!quiet) out += `<Deleted>${tags({ Key: key })}</Deleted>`;
    } catch {
      out += `<Error>${tags({ Key: key, Code: 'AccessDenied', Message: 'Access Denied' })}</Error>`;
    }
  }
  return xmlResult('DeleteResult', out);
}
