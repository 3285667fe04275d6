import { removeQuietly } from '../util/fsx';
import { isoMillis } from '../util/time';
import { s3err } from './errors';
import { ingestBody } from './ingest';
import type { ObjectStore } from './object-store';
import { echoChecksums } from './ops-object';
import {
  checkAccess,
  header,
  ingestOptions,
  readSmallBody,
  requireContentLength,
  storedHeaders,
  userMetadata,
  xmlResult,
  type S3Request,
  type S3Result,
} from './request';
import type { UploadStore } from './uploads';
import { parseXml, tags } from './xml';

export interface MultipartDeps {
  objects: ObjectStore;
  uploads: UploadStore;
  onPart?: (uploadId: string, partNumber: number) => void;
}

function partNumberOf(r: S3Request): number {
  const n = Number(r.query.get('partNumber'));
  if (!Number.isInteger(n) || n < 1 || n > 10000) {
    throw s3err.invalidArgument('Part number must be an integer between 1 and 10000, inclusive');
  }
  return n;
}

export async function createMultipart(d: MultipartDeps, r: S3Request): Promise<S3Result> {
  checkAccess(r, r.bucket, r.key);
  if (!d.objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  const u = await d.uploads.create(r.bucket, r.key, {
    contentType: header(r.headers, 'content-type') ?? 'binary/octet-stream',
    headers: storedHeaders(r.headers),
    metadata: userMetadata(r.headers),
  });
  return xmlResult('InitiateMultipartUploadResult', tags({ Bucket: r.bucket, Key: r.key, UploadId: u.uploadId }));
}

export async function uploadPart(d: MultipartDeps, r: S3Request): Promise<S3Result> {
  requireContentLength(r);
  checkAccess(r, r.bucket, r.key);
  const partNumber = partNumberOf(r);
  const uploadId = r.query.get('uploadId') ?? '';
  const upload = d.uploads.get(uploadId, r.bucket, r.key);
  d.onPart?.(uploadId, partNumber);
  const tmp = d.objects.tmpFile();
  const { size, etag } = await ingestBody(r.body, tmp, ingestOptions(r), r.hashPool);
  try {
    const part = await d.uploads.putPart(upload, partNumber, tmp, size, etag);
    return { status: 200, headers: { etag: part.etag, ...echoChecksums(r) } };
  } catch (err) {
    await removeQuietly(tmp);
    throw err;
  }
}

function asArray(v: unknown): Record<string, unknown>[] {
  if (Array.isArray(v)) return v as Record<string, unknown>[];
  return v && typeof v === 'object' ? [v as Record<string, unknown>] : [];
}

export async function completeMultipart(d: MultipartDeps, r: S3Request): Promise<S3Result> {
  checkAccess(r, r.bucket, r.key);
  const uploadId = r.query.get('uploadId') ?? '';
  const upload = d.uploads.get(uploadId, r.bucket, r.key);
  const xml = parseXml(await readSmallBody(r));
  const root = xml['CompleteMultipartUpload'] as Record<string, unknown> | undefined;
  if (!root) throw s3err.malformedXml();
  const requested = asArray(root['Part']).map((p) => ({
    partNumber: Number(p['PartNumber']),
    etag: String(p['ETag'] ?? ''),
  }));
  if (requested.some((p) => !Number.isInteger(p.partNumber))) throw s3err.malformedXml();
  const plan = d.uploads.begin(upload, requested);
  try {
    const meta = await d.objects.commit(r.bucket, r.key, plan.files, plan.info);
    await d.uploads.finish(uploadId);
    return xmlResult('CompleteMultipartUploadResult', tags({ Location: `/${r.bucket}/${r.key}`, Bucket: r.bucket, Key: r.key, ETag: meta.etag }));
  } catch (err) {
    d.uploads.reopen(upload);
    throw err;
  }
}

export async function abortMultipart(d: MultipartDeps, r: S3Request): Promise<S3Result> {
  checkAccess(r, r.bucket, r.key);
  const uploadId = r.query.get('uploadId') ?? '';
  d.uploads.get(uploadId, r.bucket, r.key);
  await d.uploads.finish(uploadId);
  return { status: 204 };
}

export function listParts(d: MultipartDeps, r: S3Request): S3Result {
  checkAccess(r, r.bucket, r.key);
  const uploadId = r.query.get('uploadId') ?? '';
  const upload = d.uploads.get(uploadId, r.bucket, r.key);
  const marker = Number(r.query.get('part-number-marker') ?? 0) || 0;
  const max = Math.min(1000, Math.max(0, Number(r.query.get('max-parts') ?? 1000) || 1000));
  const all = [...upload.parts.values()].filter((p) => p.partNumber > marker).sort((a, b) => a.partNumber - b.partNumber);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const parts = page
    .map((p) => `<Part>${tags({ PartNumber: p.partNumber, LastModified: isoMillis(p.lastModified), ETag: p.etag, Size: p.size })}</Part>`)
    .join('');
  return xmlResult(
    'ListPartsResult',
    tags({
      Bucket: r.bucket,
      Key: r.key,
      UploadId: uploadId,
      StorageClass: 'STANDARD',
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
      MaxParts: max,
      IsTruncated: truncated,
    }) + parts,
  );
}

export function listMultipartUploads(d: MultipartDeps, r: S3Request): S3Result {
  const prefix = r.query.get('prefix') ?? '';
  checkAccess(r, r.bucket, prefix);
  if (!d.objects.hasBucket(r.bucket)) throw s3err.noSuchBucket(r.bucket);
  const uploads = d.uploads
    .list(r.bucket)
    .filter((u) => u.key.startsWith(prefix))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.initiated - b.initiated))
    .slice(0, 1000);
  const body = uploads
    .map((u) => `<Upload>${tags({ Key: u.key, UploadId: u.uploadId, StorageClass: 'STANDARD', Initiated: isoMillis(u.initiated) })}</Upload>`)
    .join('');
  return xmlResult(
    'ListMultipartUploadsResult',
    tags({ Bucket: r.bucket, KeyMarker: '', UploadIdMarker: '', Prefix: prefix, MaxUploads: 1000, IsTruncated: false }) + body,
  );
}
