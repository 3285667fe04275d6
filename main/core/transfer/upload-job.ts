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
import { setTimeout as sleep } from 'node:timers/promises';
import { basename } from 'node:path';
import { cipherSize, encodeB64, newFileSecrets } from '../crypto';
import { fail, toErrorInfo, TransferError } from './errors';
import type { JobCtx, LiveItem } from './item';
import type { StoredUpload, UploadRow } from './journal';
import type { UploadTarget } from './ports';
import type { FileStamp } from './worker/protocol';
import type { Running } from './pool';
import { MIB } from './types';
import { locOf, metadataOf, multipart } from './upload-multipart';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<pathBase>/<name>-<22 random [A-Za-z0-9]>`, like Interlink (rescale-protocol.md §2.1). */
function objectKeyFor(target: UploadTarget, name: string): string {
  const bytes = randomBytes(22);
  let suffix = '';
  for (const b of bytes) suffix += KEY_ALPHABET[b % KEY_ALPHABET.length];
  const base = target.pathBase.replace(/\/+$/, '');
  return `${base ? `${base}/` : ''}${name}-${suffix}`;
}

export async function runUpload(item: LiveItem, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  if (item.row.remoteFileId) {
    ctx.noteResumed(item, item.row.size); // registered before an interruption: nothing left to do
    return;
  }
  const stored = ctx.journal.getUpload(item.id);
  let row: UploadRow | undefined = stored?.key ? { ...stored, key: stored.key } : undefined;
  if (stored && !row && (await keylessDone(item, stored, ctx, signal))) return;
  const resumed = row !== undefined && row.phase !== 'planned';
  // Small files (most of a 10,000-file folder) take one worker round trip: stat, read, hash,
  // encrypt and PUT all happen there, and nothing is journaled until the object exists.
  if (!row && item.row.size <= choosePartSize(item.row.size, ctx.limits().partSizeBytes)) {
    row = (await uploadSmall(item, ctx, signal)) ?? undefined;
  }
  if (!row || row.phase === 'planned' || (resumed && !(await stillSame(item, row, ctx, signal)))) {
    if (item.row.remoteFileId) return; // found registered by stillSame()
    row = await uploadGeneral(item, row?.phase === 'planned' ? row : undefined, ctx, signal);
  } else {
    ctx.noteResumed(item, row.fileSize); // stored before an interruption: only the registration is left
  }
  item.committed = item.row.size;
  ctx.releaseSlot(item);
  ctx.setState(item, 'verifying');
  await register(item, row, ctx, signal);
}

/**
 * A row without its key: the item failed or was cancelled before (its key dropped), or the
 * sealing key is gone. Nothing of it can be continued; a registration it may have made is
 * looked up first, then the upload starts over (an open multipart upload is aborted).
 */
async function keylessDone(item: LiveItem, stored: StoredUpload, ctx: JobCtx, signal: AbortSignal): Promise<boolean> {
  if (stored.phase === 'registering' && (await findRegistered(item, stored, ctx, signal))) {
    ctx.noteResumed(item, item.row.size);
    return true;
  }
  ctx.journal.deleteUpload(item.id); // lists an open multipart upload for the background abort
  ctx.sweepUploads();
  return false;
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
      (creds) => ({
        op: 'putObject',
        loc: locOf(row)(creds),
        path: item.row.localPath,
        key: row.key,
        iv: row.iv,
        metadata: metadataOf(row),
        maxSize: row.partSize,
      }),
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
    ctx.journal.deleteUpload(item.id); // its multipart upload (if any) is aborted in the background
    ctx.sweepUploads();
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

async function putWhole(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const release = await ctx.memory.acquire(cipherSize(row.fileSize) * 2, signal);
  const tracked = { r: null as Running<'putObject'> | null };
  try {
    const res = await ctx.runner.exec<'putObject'>(
      (creds) => ({
        op: 'putObject',
        loc: locOf(row)(creds),
        path: item.row.localPath,
        key: row.key,
        iv: row.iv,
        metadata: metadataOf(row),
        stamp,
        maxSize: row.partSize,
      }),
      { signal, track: (r) => item.track(r, tracked) },
    );
    if (res.tooLarge) throw fail('file_changed', `The file changed while it was being uploaded: ${item.row.localPath}`);
    row.sha512 = res.sha512;
  } finally {
    release();
  }
  ctx.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' });
}

/** Registration attempts after an unclear failure (the request may or may not have been acted on). */
const REGISTER_ATTEMPTS = 4;

/**
 * A network failure or a 5xx leaves it open whether the platform registered the file; anything
 * else (a refusal, a cancel) means it did not, or that trying again would not help.
 */
function unclear(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'offline' || code === 'server_error';
}

async function register(item: LiveItem, row: UploadRow, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const folderId = await ctx.folderFor(item, signal);
  // Marked by an earlier attempt or process: it may have gone through, so look before registering.
  let mayExist = row.phase === 'registering';
  for (let attempt = 1; ; attempt++) {
    if (!row.sha512) throw fail('internal', 'upload finished without a checksum');
    // Durable before the call: registration is not idempotent, so a crash right after it must
    // lead to a lookup, not a second record. The mark rides the journal's next batched commit,
    // awaited before taking an API slot.
    if (row.phase !== 'registering') {
      ctx.journal.patchUpload(item.id, { phase: 'registering' });
      row.phase = 'registering';
    }
    await ctx.journal.commit();
    const release = await ctx.api.acquire(1, signal);
    try {
      if (mayExist && (await findRegistered(item, row, ctx, signal, folderId))) return;
      const target = JSON.parse(row.targetJson) as UploadTarget;
      try {
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
        return;
      } catch (e) {
        // The answer was lost, not necessarily the registration: the next round looks the
        // object up (in a listing begun after now) before it registers again.
        if (signal.aborted || !unclear(e) || attempt >= REGISTER_ATTEMPTS) throw e;
        ctx.lookup.attemptEnded(row.objectKey);
        mayExist = true;
      }
    } finally {
      release();
    }
    await sleep(Math.random() * 250 * 2 ** attempt, undefined, { signal });
  }
}

async function findRegistered(item: LiveItem, row: Pick<UploadRow, 'objectKey'>, ctx: JobCtx, signal: AbortSignal, folder?: string): Promise<boolean> {
  const folderId = folder ?? (await ctx.folderFor(item, signal));
  const id = await ctx.lookup.find(folderId, row.objectKey, signal);
  if (id) adopt(item, id, ctx);
  return id !== null;
}

function adopt(item: LiveItem, remoteFileId: string, ctx: JobCtx): void {
  item.row.remoteFileId = remoteFileId;
  ctx.journal.updateItem(item.id, { remoteFileId });
  // Registered: the key now lives in the Rescale file record; drop our sealed copy. (Committed
  // together with the item's "done" a moment later; either way a restart sees the file id.)
  ctx.journal.deleteUpload(item.id);
}
