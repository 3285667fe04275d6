// The storage-specific half of the worker's operations, behind one interface. Upload and
// download jobs, and the worker ops that read, encrypt and write files, are the same on every
// storage; which back end serves a request follows from the credentials the platform gave for
// that storage (S3 session keys or Azure SAS tokens), never from a user's choice.
import type { Readable } from 'node:stream';
import { azureBackend } from './azure-control';
import type { OpCtx } from './s3';
import { s3Backend } from './s3-control';
import type { StorageLoc, TaskOf, TaskResults } from './protocol';
import type { GetResponse } from './s3-direct';

export type UploadBody = Readable | Buffer;

export interface BlobBackend {
  /** Starts a multipart upload and names it; Azure has nothing to start (blocks are staged against the blob). */
  createMultipart(loc: StorageLoc, metadata: Record<string, string>, signal: AbortSignal): Promise<string>;
  /** Stores one part (S3 UploadPart, Azure Put Block); returns the tag that commits it (ETag, block id). */
  sendPart(
    loc: StorageLoc,
    uploadId: string,
    partNumber: number,
    cipher: { body: UploadBody; length: number; lastBlock: Buffer },
    signal: AbortSignal,
  ): Promise<string>;
  /** Whether a part the storage already holds (listed with `tag`) is exactly this ciphertext. */
  samePart(tag: string, partNumber: number, cipher: Buffer, lastBlock: Buffer): boolean;
  /** What the storage holds of an unfinished upload; `exists: false` once it is gone (or completed). */
  listParts(loc: StorageLoc, uploadId: string, signal: AbortSignal): Promise<TaskResults['listParts']>;
  complete(
    loc: StorageLoc,
    uploadId: string,
    parts: { partNumber: number; etag: string }[],
    metadata: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ etag?: string }>;
  /** Drops the stored parts of an unfinished upload; resolves when the storage no longer has them. */
  abort(loc: StorageLoc, uploadId: string, signal: AbortSignal): Promise<void>;
  /** A whole object in one request (S3 PutObject, Azure Put Blob). */
  putWhole(loc: StorageLoc, body: UploadBody, length: number, metadata: Record<string, string>, signal: AbortSignal): Promise<void>;
  head(loc: StorageLoc, signal: AbortSignal): Promise<TaskResults['headObject']>;
  /** GET, whole or a range (`bytes=a-b`), optionally only if the object still has `ifMatch` as ETag. */
  get(loc: StorageLoc, opts: { range?: string; ifMatch?: string }, signal: AbortSignal): Promise<GetResponse>;
  /** The response header that carries user metadata `name` (lower case). */
  metaHeader(name: string): string;
}

export function backendFor(loc: StorageLoc): BlobBackend {
  return loc.creds.kind === 'azure' ? azureBackend : s3Backend;
}

export async function createMultipart(t: TaskOf<'createMultipart'>, ctx: OpCtx): Promise<TaskResults['createMultipart']> {
  return { uploadId: await backendFor(t.loc).createMultipart(t.loc, t.metadata, ctx.signal) };
}

export function listParts(t: TaskOf<'listParts'>, ctx: OpCtx): Promise<TaskResults['listParts']> {
  return backendFor(t.loc).listParts(t.loc, t.uploadId, ctx.signal);
}

export function completeMultipart(t: TaskOf<'completeMultipart'>, ctx: OpCtx): Promise<TaskResults['completeMultipart']> {
  return backendFor(t.loc).complete(t.loc, t.uploadId, t.parts, t.metadata, ctx.signal);
}

export async function abortMultipart(t: TaskOf<'abortMultipart'>, ctx: OpCtx): Promise<TaskResults['abortMultipart']> {
  await backendFor(t.loc).abort(t.loc, t.uploadId, ctx.signal);
  return {};
}

export function headObject(t: TaskOf<'headObject'>, ctx: OpCtx): Promise<TaskResults['headObject']> {
  return backendFor(t.loc).head(t.loc, ctx.signal);
}
