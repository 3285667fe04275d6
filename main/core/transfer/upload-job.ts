// One file upload, from plan to registered Rescale file, resumable at every step.
//
//  planned ──(PUT or multipart: parts encrypted in chain order, uploaded in parallel)──►
//  uploaded (object complete and checked, SHA-512 known) ──► registering ──► registered
//
// The journal records, per part, its last ciphertext block as soon as it is encrypted (the
// next part's IV) and its ETag once stored, so after a crash the chain continues from the
// first part that is not stored and no stored part is sent again.
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { cipherSize, encodeB64, newFileSecrets } from '../crypto';
import { fail, toErrorInfo, TransferError } from './errors';
import type { JobCtx, LiveItem } from './item';
import type { UploadRow } from './journal';
import type { UploadTarget } from './ports';
import type { FileStamp, PartInfo, S3Loc } from './worker/protocol';
import type { Running } from './pool';
import { aborted } from './runner';
import { Semaphore } from './semaphore';
import { MIB } from './types';
import { planParts, type PartPlan } from './upload-plan';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<pathBase>/<name>-<22 random [A-Za-z0-9]>`, like Interlink (rescale-protocol.md §2.1). */
function objectKeyFor(target: UploadTarget, name: string): string {
  const bytes = randomBytes(22);
  let suffix = '';
  for (const b of bytes) suffix += KEY_ALPHABET[b % KEY_ALPHABET.length];
  const base = target.pathBase.replace(/\/+$/, '');
  return `${base ? `${base}/` : ''}${name}-${suffix}`;
}

function locOf(row: UploadRow) {
  return (creds: S3Loc['creds']): S3Loc => ({ creds, bucket: row.bucket, key: row.objectKey });
}

export async function runUpload(item: LiveItem, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  if (item.row.remoteFileId) return; // registered before an interruption: nothing left to do
  let row = ctx.journal.getUpload(item.id);
  const resumed = row !== undefined && row.phase !== 'planned';
  // Small files (most of a 10,000-file folder) take one worker round trip: stat, read, hash,
  // encrypt and PUT all happen there, and nothing is journaled until the object exists.
  if (!row && item.row.size <= choosePartSize(item.row.size, ctx.limits().partSizeBytes)) {
    row = (await uploadSmall(item, ctx, signal)) ?? undefined;
  }
  if (!row || row.phase === 'planned' || (resumed && !(await stillSame(item, row, ctx, signal)))) {
    if (item.row.remoteFileId) return; // found registered by stillSame()
    row = await uploadGeneral(item, row?.phase === 'planned' ? row : undefined, ctx, signal);
  }
  item.committed = item.row.size;
  ctx.releaseSlot(item);
  ctx.setState(item, 'verifying');
  await register(item, row, ctx, signal);
}

async function statStamp(path: string): Promise<FileStamp> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new TransferError(toErrorInfo(e, path));
  }
  if (!st.isFile()) throw fail('not_a_file', `Not a regular file: ${path}`);
  return { size: st.size, mtimeMs: st.mtimeMs };
}

function changedNotice(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx): void {
  ctx.notice(
    item,
    'file_changed_restart',
    `The file changed since its upload started (size ${row.fileSize} → ${stamp.size}, modified ${new Date(row.mtimeMs).toISOString()} → ${new Date(stamp.mtimeMs).toISOString()}); uploading it again from the start.`,
  );
}

/** A finished-but-unregistered upload from before an interruption: is the file still the one sent? */
async function stillSame(item: LiveItem, row: UploadRow, ctx: JobCtx, signal: AbortSignal): Promise<boolean> {
  const stamp = await statStamp(item.row.localPath);
  if (row.fileSize === stamp.size && row.mtimeMs === stamp.mtimeMs) return true;
  if (row.phase === 'registering' && (await findRegistered(item, row, ctx, signal))) return false;
  changedNotice(item, row, stamp, ctx);
  ctx.journal.deleteUpload(item.id);
  return false;
}

async function uploadSmall(item: LiveItem, ctx: JobCtx, signal: AbortSignal): Promise<UploadRow | null> {
  const row = await plan(item, { size: item.row.size, mtimeMs: 0 }, ctx, signal, false);
  const release = await ctx.memory.acquire(cipherSize(item.row.size) * 2, signal);
  const tracked = { r: null as Running<'putObject'> | null };
  try {
    const res = await ctx.runner.exec<'putObject'>(
      (creds) => ({ op: 'putObject', loc: locOf(row)(creds), path: item.row.localPath, key: row.key, iv: row.iv, metadata: metadataOf(row), maxSize: row.partSize }),
      { signal, track: (r) => item.track(r, tracked) },
    );
    if (res.tooLarge) return null; // grew since it was queued: the general path plans parts
    if (item.row.size !== res.stamp.size) ctx.resize(item, res.stamp.size);
    Object.assign(row, { fileSize: res.stamp.size, mtimeMs: res.stamp.mtimeMs, sha512: res.sha512, phase: 'uploaded' });
    ctx.journal.putUpload(row); // committed with the "registering" mark, before the API call
    return row;
  } finally {
    release();
  }
}

/** Any size, from a plan (new or interrupted): one PUT or a resumable multipart upload. */
async function uploadGeneral(item: LiveItem, planned: UploadRow | undefined, ctx: JobCtx, signal: AbortSignal): Promise<UploadRow> {
  const path = item.row.localPath;
  const stamp = await statStamp(path);
  let row = planned;
  if (row && (row.fileSize !== stamp.size || row.mtimeMs !== stamp.mtimeMs)) {
    changedNotice(item, row, stamp, ctx);
    if (row.uploadId) void abortQuietly(row, ctx);
    ctx.journal.deleteUpload(item.id);
    row = undefined;
  }
  if (item.row.size !== stamp.size) ctx.resize(item, stamp.size);
  if (!row) row = await plan(item, stamp, ctx, signal, true);
  if (row.fileSize <= row.partSize) await putWhole(item, row, stamp, ctx, signal);
  else await multipart(item, row, stamp, ctx, signal);
  row.phase = 'uploaded';
  // Parts are read ahead of the network; an edit after the last read would otherwise go
  // unnoticed and the older content be registered as the file.
  await assertUnchanged(path, stamp);
  return row;
}

async function assertUnchanged(path: string, stamp: FileStamp): Promise<void> {
  const now = await stat(path).catch(() => null);
  if (!now || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs) {
    throw fail('file_changed', `The file changed while it was being uploaded (size ${stamp.size} → ${now ? now.size : 'deleted'}): ${path}`);
  }
}

async function plan(item: LiveItem, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal, journal: boolean): Promise<UploadRow> {
  const target = await ctx.uploadTarget(signal);
  const { key, iv } = newFileSecrets();
  const name = item.row.name || basename(item.row.localPath);
  const row: UploadRow = {
    transferId: item.id,
    objectKey: objectKeyFor(target, name),
    bucket: target.bucket,
    targetJson: JSON.stringify(target),
    key,
    iv,
    partSize: choosePartSize(stamp.size, ctx.limits().partSizeBytes),
    fileSize: stamp.size,
    mtimeMs: stamp.mtimeMs,
    uploadId: null,
    sha512: null,
    phase: 'planned',
  };
  if (journal) ctx.journal.putUpload(row);
  return row;
}

/** A multiple of 16, at least 5 MiB (S3's minimum), large enough to stay under 10,000 parts. */
export function choosePartSize(fileSize: number, wanted: number): number {
  let p = Math.max(5 * MIB, Math.floor(wanted / 16) * 16);
  while (Math.ceil(fileSize / p) > 10_000) p *= 2;
  return p;
}

function metadataOf(row: UploadRow): Record<string, string> {
  // iv is what the platform needs; the other two are hints Interlink's streaming download reads.
  return { iv: encodeB64(row.iv), streamingformat: 'cbc', partsize: String(row.partSize) };
}

async function putWhole(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const release = await ctx.memory.acquire(cipherSize(row.fileSize) * 2, signal);
  const tracked = { r: null as Running<'putObject'> | null };
  try {
    const res = await ctx.runner.exec<'putObject'>(
      (creds) => ({ op: 'putObject', loc: locOf(row)(creds), path: item.row.localPath, key: row.key, iv: row.iv, metadata: metadataOf(row), stamp, maxSize: row.partSize }),
      { signal, track: (r) => item.track(r, tracked) },
    );
    if (res.tooLarge) throw fail('file_changed', `The file changed while it was being uploaded: ${item.row.localPath}`);
    row.sha512 = res.sha512;
  } finally {
    release();
  }
  ctx.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' });
}

async function multipart(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const loc = locOf(row);
  const plan = planParts(row.fileSize, row.partSize);
  let listed: Map<number, PartInfo> | null = null;
  if (row.uploadId) {
    const uploadId = row.uploadId;
    const lp = await ctx.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: loc(creds), uploadId }), { signal });
    if (lp.exists) {
      listed = new Map(lp.parts.map((p) => [p.partNumber, p]));
    } else {
      if (await completedEarlier(item, row, stamp, ctx, signal)) return;
      ctx.notice(item, 'upload_expired', 'The storage no longer has the unfinished upload (expired or aborted); sending this file again from the start.');
      ctx.journal.putUpload({ ...row, uploadId: null }); // also forgets the recorded parts
      row.uploadId = null;
    }
  }
  if (!row.uploadId) {
    const r = await ctx.runner.exec<'createMultipart'>((creds) => ({ op: 'createMultipart', loc: loc(creds), metadata: metadataOf(row) }), { signal });
    row.uploadId = r.uploadId;
    ctx.journal.patchUpload(item.id, { uploadId: r.uploadId }, true);
  }
  const uploadId = row.uploadId;

  // SHA-512 of the plaintext runs in another worker over the same file, beside the encryption.
  const fileCtl = new AbortController();
  const onOuterAbort = (): void => fileCtl.abort(signal.reason);
  signal.addEventListener('abort', onOuterAbort, { once: true });
  const hashTrack = { r: null as Running<'hashFile'> | null };
  const hashP: Promise<string> = row.sha512
    ? Promise.resolve(row.sha512)
    : ctx.runner
        .local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp }, { signal: fileCtl.signal, track: (r) => (hashTrack.r = r) })
        .then((h) => h.sha512);
  hashP.catch(() => fileCtl.abort());

  const done = new Map(ctx.journal.getParts(item.id).map((p) => [p.partNo, p]));
  const partSlots = new Semaphore(ctx.limits().partsPerFile);
  const inflight: Promise<void>[] = [];
  let firstError: unknown = null;
  const failFile = (e: unknown): void => {
    if (firstError === null) firstError = e;
    fileCtl.abort(e);
  };

  try {
    let iv: Buffer = row.iv;
    for (const p of plan) {
      const known = done.get(p.partNo);
      if (known?.etag) {
        item.committed += p.length;
        iv = known.lastBlock;
        continue;
      }
      const releasePart = await partSlots.acquire(1, fileCtl.signal);
      const releaseMem = await ctx.memory.acquire(p.cipherLength, fileCtl.signal).catch((e: unknown) => {
        releasePart();
        throw e;
      });
      const listedPart = listed?.get(p.partNo);
      const verifyEtag = listedPart && listedPart.size === p.cipherLength ? listedPart.etag : undefined;
      const started = startPart(item, row, p, iv, uploadId, stamp, verifyEtag, ctx, fileCtl.signal);
      started.lastBlock.catch(() => undefined); // a failure is reported through `done`
      inflight.push(
        started.done
          .then((r) => {
            ctx.journal.partUploaded(item.id, p.partNo, r.lastBlock, r.cipherLength, r.etag);
            done.set(p.partNo, { partNo: p.partNo, lastBlock: r.lastBlock, etag: r.etag, cipherLen: r.cipherLength });
            item.committed += p.length;
          }, failFile)
          .finally(() => {
            releasePart();
            releaseMem();
          }),
      );
      if (known) iv = known.lastBlock;
      else {
        iv = await started.lastBlock;
        ctx.journal.partEncrypted(item.id, p.partNo, iv, p.cipherLength);
      }
    }
  } catch (e) {
    failFile(e);
  }
  await Promise.allSettled(inflight);
  const sha = await hashP.catch((e: unknown) => {
    failFile(e);
    return '';
  });
  signal.removeEventListener('abort', onOuterAbort);
  if (signal.aborted) throw aborted();
  if (firstError !== null) throw firstError;

  await checkAndComplete(row, plan, done, uploadId, ctx, signal);
  row.sha512 = sha;
  ctx.journal.patchUpload(item.id, { sha512: sha, phase: 'uploaded' }, true);
}

function startPart(
  item: LiveItem,
  row: UploadRow,
  p: PartPlan,
  iv: Buffer,
  uploadId: string,
  stamp: FileStamp,
  verifyEtag: string | undefined,
  ctx: JobCtx,
  signal: AbortSignal,
): { lastBlock: Promise<Buffer>; done: Promise<{ etag: string; cipherLength: number; lastBlock: Buffer }> } {
  let gotBlock: (b: Buffer) => void = () => undefined;
  const lastBlock = new Promise<Buffer>((resolve) => (gotBlock = resolve));
  const tracked = { r: null as Running<'uploadPart'> | null };
  const done = ctx.runner
    .exec<'uploadPart'>(
      (creds) => ({
        op: 'uploadPart',
        loc: { creds, bucket: row.bucket, key: row.objectKey },
        uploadId,
        partNumber: p.partNo,
        path: item.row.localPath,
        offset: p.offset,
        length: p.length,
        final: p.final,
        bufferSize: row.partSize + 16,
        key: row.key,
        iv,
        stamp,
        ...(verifyEtag ? { verifyEtag } : {}),
      }),
      {
        signal,
        track: (r) => {
          item.track(r, tracked);
          if (r) void r.lastBlock().then((b) => b && gotBlock(b));
        },
      },
    )
    .then((r) => {
      const lb = Buffer.from(r.lastBlock);
      gotBlock(lb);
      return { etag: r.etag, cipherLength: r.cipherLength, lastBlock: lb };
    });
  // If the part fails before encrypting, the loop's await must not hang: surface the failure.
  return { lastBlock: Promise.race([lastBlock, done.then((r) => r.lastBlock)]), done };
}

/**
 * Never complete an object that is not exactly what we planned (Interlink once completed an
 * upload 32 MB short): every part present, each the planned size, and S3 agreeing.
 */
async function checkAndComplete(
  row: UploadRow,
  plan: PartPlan[],
  done: Map<number, { etag: string | null; cipherLen: number }>,
  uploadId: string,
  ctx: JobCtx,
  signal: AbortSignal,
): Promise<void> {
  const loc = locOf(row);
  const parts: { partNumber: number; etag: string }[] = [];
  let total = 0;
  for (const p of plan) {
    const d = done.get(p.partNo);
    if (!d?.etag) throw fail('incomplete_upload', `Part ${p.partNo} of ${plan.length} was never stored; refusing to complete the upload`);
    if (d.cipherLen !== p.cipherLength) throw fail('incomplete_upload', `Part ${p.partNo} is ${d.cipherLen} bytes, expected ${p.cipherLength}`);
    parts.push({ partNumber: p.partNo, etag: d.etag });
    total += d.cipherLen;
  }
  if (total !== cipherSize(row.fileSize)) throw fail('incomplete_upload', `Parts add up to ${total} bytes, expected ${cipherSize(row.fileSize)}`);
  const lp = await ctx.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: loc(creds), uploadId }), { signal });
  if (!lp.exists) throw fail('incomplete_upload', 'The multipart upload disappeared before completion', true);
  const stored = new Map(lp.parts.map((p) => [p.partNumber, p]));
  for (const p of plan) {
    const s = stored.get(p.partNo);
    if (!s || s.size !== p.cipherLength) {
      throw fail('incomplete_upload', `Storage lists part ${p.partNo} as ${s ? `${s.size} bytes` : 'missing'}, expected ${p.cipherLength}`);
    }
  }
  await ctx.runner.exec<'completeMultipart'>((creds) => ({ op: 'completeMultipart', loc: loc(creds), uploadId, parts }), { signal });
  const head = await ctx.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: loc(creds) }), { signal });
  if (!head.exists || head.size !== cipherSize(row.fileSize)) {
    throw fail('incomplete_upload', `The completed object is ${head.exists ? head.size : 'missing'} bytes, expected ${cipherSize(row.fileSize)}`);
  }
}

/** After a crash between CompleteMultipartUpload and the journal: is the object already whole? */
async function completedEarlier(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<boolean> {
  const head = await ctx.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: locOf(row)(creds) }), { signal });
  if (!head.exists || head.size !== cipherSize(row.fileSize) || head.metadata.iv !== encodeB64(row.iv)) return false;
  if (!row.sha512) {
    const h = await ctx.runner.local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp }, { signal });
    row.sha512 = h.sha512;
  }
  ctx.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' }, true);
  return true;
}

async function register(item: LiveItem, row: UploadRow, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const folderId = await ctx.folderFor(item, signal);
  const release = await ctx.api.acquire(1, signal);
  try {
    if (row.phase === 'registering' && (await findRegistered(item, row, ctx, signal))) return;
    if (!row.sha512) throw fail('internal', 'upload finished without a checksum');
    // Durable before the call: registration is not idempotent, so a crash right after it
    // must lead to a lookup, not a second record. (Group commit: the marks of all
    // registrations about to start share one transaction.)
    ctx.journal.patchUpload(item.id, { phase: 'registering' });
    await ctx.journal.commit();
    row.phase = 'registering';
    const target = JSON.parse(row.targetJson) as UploadTarget;
    const rf = await ctx.storage.registerFile(
      {
        name: item.row.name,
        currentFolderId: folderId,
        encodedEncryptionKey: encodeB64(row.key),
        pathParts: { container: row.bucket, path: row.objectKey },
        storage: target.storage,
        decryptedSize: row.fileSize,
        sha512Hex: row.sha512,
      },
      signal,
    );
    adopt(item, rf.id, ctx);
  } finally {
    release();
  }
}

async function findRegistered(item: LiveItem, row: UploadRow, ctx: JobCtx, signal: AbortSignal): Promise<boolean> {
  const folderId = await ctx.folderFor(item, signal);
  const listing = await ctx.storage.listFolder(folderId, signal);
  const found = listing.files.find((f) => f.pathParts.path === row.objectKey);
  if (found) adopt(item, found.id, ctx);
  return Boolean(found);
}

function adopt(item: LiveItem, remoteFileId: string, ctx: JobCtx): void {
  item.row.remoteFileId = remoteFileId;
  ctx.journal.updateItem(item.id, { remoteFileId });
  // Registered: the key now lives in the Rescale file record; drop our sealed copy. (Committed
  // together with the item's "done" a moment later; either way a restart sees the file id.)
  ctx.journal.deleteUpload(item.id);
}

async function abortQuietly(row: UploadRow, ctx: JobCtx): Promise<void> {
  const uploadId = row.uploadId;
  if (!uploadId) return;
  const ac = new AbortController();
  await ctx.runner
    .exec<'abortMultipart'>((creds) => ({ op: 'abortMultipart', loc: locOf(row)(creds), uploadId }), { signal: ac.signal })
    .catch(() => undefined); // best effort: an unfinished upload expires on its own
}

export { abortQuietly as abortUpload };
