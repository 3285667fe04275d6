// The S3 calls that move no file data: start, list, complete and abort a multipart upload, and
// HEAD an object. Signed HTTP through s3Send, answers parsed with fast-xml-parser.
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { fail } from '../errors';
import type { PartInfo, TaskOf, TaskResults } from './protocol';
import { httpStatusOf, type OpCtx } from './s3';
import { errorFrom, header, s3Send, type S3Response } from './s3-direct';

// Strings stay strings (an ETag or UploadId must never become a number); Part is always a list.
const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, isArray: (name) => name === 'Part' });
const builder = new XMLBuilder({});

type Xml = Record<string, unknown>;

async function xmlOf(r: S3Response): Promise<Xml> {
  const text = await (r.body as unknown as { text(): Promise<string> }).text();
  const doc = parser.parse(text) as Xml;
  // S3 may answer 200 and put the error in the body (CompleteMultipartUpload does, documented).
  if (doc.Error) throw errorFrom(r.status, text);
  return doc;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) h[`x-amz-meta-${k.toLowerCase()}`] = v;
  return h;
}

export async function createMultipart(t: TaskOf<'createMultipart'>, ctx: OpCtx): Promise<TaskResults['createMultipart']> {
  const r = await s3Send(t.loc, 'POST', { query: { uploads: '' }, headers: metadataHeaders(t.metadata), signal: ctx.signal });
  const doc = await xmlOf(r);
  const uploadId = str((doc.InitiateMultipartUploadResult as Xml | undefined)?.UploadId);
  if (!uploadId) throw fail('storage_error', 'storage returned no UploadId', true);
  return { uploadId };
}

export async function listParts(t: TaskOf<'listParts'>, ctx: OpCtx): Promise<TaskResults['listParts']> {
  const parts: PartInfo[] = [];
  let marker: string | undefined;
  try {
    for (;;) {
      const query: Record<string, string> = { uploadId: t.uploadId, ...(marker ? { 'part-number-marker': marker } : {}) };
      const res = (await xmlOf(await s3Send(t.loc, 'GET', { query, signal: ctx.signal }))).ListPartsResult as Xml | undefined;
      for (const p of (res?.Part as Xml[] | undefined) ?? []) {
        const etag = str(p.ETag);
        if (etag && str(p.PartNumber)) parts.push({ partNumber: Number(p.PartNumber), etag, size: Number(p.Size ?? -1) });
      }
      const next = str(res?.NextPartNumberMarker);
      if (res?.IsTruncated !== 'true' || !next || next === marker) break;
      marker = next;
    }
  } catch (e) {
    if ((e as Error).name === 'NoSuchUpload' || httpStatusOf(e) === 404) return { exists: false };
    throw e;
  }
  return { exists: true, parts };
}

export async function completeMultipart(t: TaskOf<'completeMultipart'>, ctx: OpCtx): Promise<TaskResults['completeMultipart']> {
  const body = builder.build({
    CompleteMultipartUpload: { Part: t.parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
  }) as string;
  const r = await s3Send(t.loc, 'POST', { query: { uploadId: t.uploadId }, headers: { 'content-type': 'application/xml' }, body, signal: ctx.signal });
  const etag = str((((await xmlOf(r)).CompleteMultipartUploadResult as Xml | undefined) ?? {}).ETag);
  return etag ? { etag } : {};
}

export async function abortMultipart(t: TaskOf<'abortMultipart'>, ctx: OpCtx): Promise<TaskResults['abortMultipart']> {
  let r: S3Response;
  try {
    r = await s3Send(t.loc, 'DELETE', { query: { uploadId: t.uploadId }, signal: ctx.signal });
  } catch (e) {
    if (httpStatusOf(e) === 404) return {}; // NoSuchUpload: already aborted, completed or expired
    throw e;
  }
  await r.body.resume();
  return {};
}

export async function headObject(t: TaskOf<'headObject'>, ctx: OpCtx): Promise<TaskResults['headObject']> {
  let r: S3Response;
  try {
    r = await s3Send(t.loc, 'HEAD', { signal: ctx.signal });
  } catch (e) {
    if (httpStatusOf(e) === 404) return { exists: false };
    throw e;
  }
  r.body.resume();
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (k.startsWith('x-amz-meta-') && v !== undefined) metadata[k.slice('x-amz-meta-'.length)] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  const etag = header(r, 'etag');
  return { exists: true, size: Number(header(r, 'content-length') ?? -1), ...(etag ? { etag } : {}), metadata };
}
