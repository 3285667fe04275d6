// The S3 back end (backend.ts): multipart start, part, list, complete and abort, PutObject, HEAD
// and GET as signed HTTP through s3Send, the XML answers parsed with fast-xml-parser.
import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { fail } from '../errors';
import type { BlobBackend } from './backend';
import type { PartInfo, S3Loc, StorageLoc, TaskResults } from './protocol';
import { httpStatusOf } from './s3';
import { errorFrom, header, s3GetObject, s3Send, type S3Response } from './s3-direct';

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

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

function s3(loc: StorageLoc): S3Loc {
  if (loc.creds.kind === 'azure') throw fail('internal', 'S3 request with Azure credentials');
  return loc as S3Loc;
}

export function metadataHeaders(metadata: Record<string, string>): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) h[`x-amz-meta-${k.toLowerCase()}`] = v;
  return h;
}

async function listParts(loc: StorageLoc, uploadId: string, signal: AbortSignal): Promise<TaskResults['listParts']> {
  const parts: PartInfo[] = [];
  let marker: string | undefined;
  try {
    for (;;) {
      const query: Record<string, string> = { uploadId, ...(marker ? { 'part-number-marker': marker } : {}) };
      const res = (await xmlOf(await s3Send(s3(loc), 'GET', { query, signal }))).ListPartsResult as Xml | undefined;
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

async function head(loc: StorageLoc, signal: AbortSignal): Promise<TaskResults['headObject']> {
  let r: S3Response;
  try {
    r = await s3Send(s3(loc), 'HEAD', { signal });
  } catch (e) {
    if (httpStatusOf(e) === 404) return { exists: false };
    throw e;
  }
  r.body.resume();
  return headResult(r, 'x-amz-meta-');
}

/** Size, ETag and user metadata from a HEAD answer (S3 and Azure differ only in the prefix). */
export function headResult(r: S3Response, metaPrefix: string): TaskResults['headObject'] {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) {
    if (k.startsWith(metaPrefix) && v !== undefined) metadata[k.slice(metaPrefix.length)] = Array.isArray(v) ? (v[0] ?? '') : v;
  }
  const etag = header(r, 'etag');
  return { exists: true, size: Number(header(r, 'content-length') ?? -1), ...(etag ? { etag } : {}), metadata };
}

export const s3Backend: BlobBackend = {
  async createMultipart(loc, metadata, signal) {
    const r = await s3Send(s3(loc), 'POST', { query: { uploads: '' }, headers: metadataHeaders(metadata), signal });
    const doc = await xmlOf(r);
    const uploadId = str((doc.InitiateMultipartUploadResult as Xml | undefined)?.UploadId);
    if (!uploadId) throw fail('storage_error', 'storage returned no UploadId', true);
    return uploadId;
  },

  async sendPart(loc, uploadId, partNumber, cipher, signal) {
    const r = await s3Send(s3(loc), 'PUT', {
      query: { partNumber: String(partNumber), uploadId },
      headers: { 'content-length': String(cipher.length) },
      body: cipher.body,
      signal,
    });
    await r.body.resume();
    const etag = header(r, 'etag');
    if (!etag) throw fail('storage_error', `storage returned no ETag for part ${partNumber}`, true);
    return etag;
  },

  samePart(tag, _partNumber, cipher) {
    return createHash('md5').update(cipher).digest('hex') === unquote(tag);
  },

  listParts,

  async complete(loc, uploadId, parts, _metadata, signal) {
    const body = builder.build({
      CompleteMultipartUpload: { Part: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
    }) as string;
    const r = await s3Send(s3(loc), 'POST', { query: { uploadId }, headers: { 'content-type': 'application/xml' }, body, signal });
    const etag = str((((await xmlOf(r)).CompleteMultipartUploadResult as Xml | undefined) ?? {}).ETag);
    return etag ? { etag } : {};
  },

  async abort(loc, uploadId, signal) {
    let r: S3Response;
    try {
      r = await s3Send(s3(loc), 'DELETE', { query: { uploadId }, signal });
    } catch (e) {
      if (httpStatusOf(e) === 404) return; // NoSuchUpload: already aborted, completed or expired
      throw e;
    }
    await r.body.resume();
  },

  async putWhole(loc, body, length, metadata, signal) {
    const headers = { 'content-length': String(length), ...metadataHeaders(metadata) };
    const r = await s3Send(s3(loc), 'PUT', { headers, body, signal });
    await r.body.resume();
  },

  head,

  get(loc, opts, signal) {
    const headers: Record<string, string> = { ...(opts.range ? { range: opts.range } : {}), ...(opts.ifMatch ? { 'if-match': opts.ifMatch } : {}) };
    return s3GetObject(s3(loc), headers, signal);
  },

  metaHeader: (name) => `x-amz-meta-${name}`,
};
