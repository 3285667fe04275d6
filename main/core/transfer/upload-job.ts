// One file upload, from plan to registered Rescale file, resumable at every step.
//
//  planned ──(PUT or multipart: parts encrypted in chain order, uploaded in parallel)──►
//  uploaded (object complete and checked, SHA-512 known) ──► registering ──► registered
//
// The journal records, per part, its last ciphertext block as soon as it is encrypted (the
// next part's IV) and its ETag once stored, so after a crash the chain continues from the
// first part that is not stored and no stored part is sent again.
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { basename } from 'node:path';
import { BLOCK, cipherSize, encodeB64 } from '../crypto';
import { pooledRandomBytes } from './random-pool';
import { fail, toErrorInfo, TransferError } from './errors';
import type { JobCtx, JobReporter, LiveItem, RunScope } from './item';
import type { StoredUpload, UploadRow } from './journal';
import type { UploadTarget } from './ports';
import type { FileStamp, TaskResults } from './worker/protocol';
import type { Running } from './pool';
import { MIB } from './types';
import { SMALL_FILE_BYTES } from './file-slots';
import { locOf, metadataOf, MultipartUpload } from './upload-multipart';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `<pathBase>/<name>-<22 random [A-Za-z0-9]>`, like Interlink (rescale-protocol.md §2.1). */
function objectKeyFor(target: UploadTarget, name: string): string {
  const bytes = pooledRandomBytes(22);
  let suffix = '';
  for (const b of bytes) suffix += KEY_ALPHABET[b % KEY_ALPHABET.length];
  const base = target.pathBase.replace(/\/+$/, '');
  return `${base ? `${base}/` : ''}${name}-${suffix}`;
}

/** One upload from the local file to a registered Rescale file; one run per start of the item. */
export class UploadRun implements RunScope {
  constructor(
    readonly item: LiveItem,
    readonly svc: JobCtx,
    readonly report: JobReporter,
    readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    const { item, svc } = this;
    if (item.row.remoteFileId) {
      item.noteResumed(item.row.size); // registered before an interruption: nothing left to do
      return;
    }
    const stored = svc.journal.getUpload(item.id);
    let row: UploadRow | undefined = stored?.key ? { ...stored, key: stored.key } : undefined;
    if (stored && !row && (await this.keylessDone(stored))) return;
    const resumed = row !== undefined && row.phase !== 'planned';
    // Small files (most of a 10,000-file folder) take one worker round trip: stat, read, hash,
    // encrypt and PUT all happen there, and nothing is journaled until the object exists.
    if (!row && item.row.size <= choosePartSize(item.row.size, svc.limits().partSizeBytes)) {
      row = (await this.small()) ?? undefined;
    }
    if (!row || row.phase === 'planned' || (resumed && !(await this.stillSame(row)))) {
      if (item.row.remoteFileId) return; // found registered by stillSame()
      row = await this.general(row?.phase === 'planned' ? row : undefined);
    } else if (resumed) {
      item.noteResumed(row.fileSize); // stored before an interruption: only the registration is left
    }
    item.committed = item.row.size;
    this.report.releaseSlot(item);
    this.report.setState(item, 'verifying');
    await this.register(row);
  }

  /**
   * A row without its key: the item failed or was cancelled before (its key dropped), or the
   * sealing key is gone. Nothing of it can be continued; a registration it may have made is
   * looked up first, then the upload starts over (an open multipart upload is aborted).
   */
  private async keylessDone(stored: StoredUpload): Promise<boolean> {
    if (stored.phase === 'registering' && (await this.findRegistered(stored))) {
      this.item.noteResumed(this.item.row.size);
      return true;
    }
    this.svc.journal.deleteUpload(this.item.id); // lists an open multipart upload for the background abort
    this.svc.sweepUploads();
    return false;
  }

  private changedNotice(row: UploadRow, stamp: FileStamp): void {
    this.report.notice(
      this.item,
      'file_changed_restart',
      `The file changed since its upload started (size ${row.fileSize} → ${stamp.size}, modified ${new Date(row.mtimeMs).toISOString()} → ${new Date(stamp.mtimeMs).toISOString()}); uploading it again from the start.`,
    );
  }

  /** A finished-but-unregistered upload from before an interruption: is the file still the one sent? */
  private async stillSame(row: UploadRow): Promise<boolean> {
    const stamp = await statStamp(this.item.row.localPath);
    if (row.fileSize === stamp.size && row.mtimeMs === stamp.mtimeMs) return true;
    if (row.phase === 'registering' && (await this.findRegistered(row))) return false;
    this.changedNotice(row, stamp);
    this.svc.journal.deleteUpload(this.item.id);
    return false;
  }

  private async small(): Promise<UploadRow | null> {
    const { item, svc, signal } = this;
    const row = await this.plan({ size: item.row.size, mtimeMs: 0 }, false);
    const release = await svc.memory.acquire(cipherSize(item.row.size) * 2, signal);
    try {
      const res = await this.putObject(row);
      if (res.tooLarge) return null; // grew since it was queued: the general path plans parts
      if (item.row.size !== res.stamp.size) this.report.resize(item, res.stamp.size);
      Object.assign(row, { fileSize: res.stamp.size, mtimeMs: res.stamp.mtimeMs, sha512: res.sha512, phase: 'uploaded' });
      svc.journal.putUpload(row); // committed with the "registering" mark, before the API call
      return row;
    } finally {
      release();
    }
  }

  /** Any size, from a plan (new or interrupted): one PUT or a resumable multipart upload. */
  private async general(planned: UploadRow | undefined): Promise<UploadRow> {
    const { item, svc } = this;
    const path = item.row.localPath;
    const stamp = await statStamp(path);
    let row = planned;
    if (row && (row.fileSize !== stamp.size || row.mtimeMs !== stamp.mtimeMs)) {
      this.changedNotice(row, stamp);
      svc.journal.deleteUpload(item.id); // its multipart upload (if any) is aborted in the background
      svc.sweepUploads();
      row = undefined;
    }
    if (item.row.size !== stamp.size) this.report.resize(item, stamp.size);
    if (!row) row = await this.plan(stamp, true);
    if (row.fileSize <= row.partSize) await this.putWhole(row, stamp);
    else await new MultipartUpload(this, row, stamp).run();
    row.phase = 'uploaded';
    // Parts are read ahead of the network; an edit after the last read would otherwise go
    // unnoticed and the older content be registered as the file.
    await assertUnchanged(path, stamp);
    return row;
  }

  private async plan(stamp: FileStamp, journal: boolean): Promise<UploadRow> {
    const { item, svc } = this;
    const target = await svc.uploadTarget(this.signal);
    const key = pooledRandomBytes(32);
    const iv = pooledRandomBytes(BLOCK);
    const name = item.row.name || basename(item.row.localPath);
    const row: UploadRow = {
      transferId: item.id,
      objectKey: objectKeyFor(target, name),
      bucket: target.bucket,
      targetJson: JSON.stringify(target),
      key,
      iv,
      partSize: choosePartSize(stamp.size, svc.limits().partSizeBytes),
      fileSize: stamp.size,
      mtimeMs: stamp.mtimeMs,
      uploadId: null,
      sha512: null,
      phase: 'planned',
    };
    if (journal) svc.journal.putUpload(row);
    return row;
  }

  private async putWhole(row: UploadRow, stamp: FileStamp): Promise<void> {
    const { item, svc, signal } = this;
    const release = await svc.memory.acquire(cipherSize(row.fileSize) * 2, signal);
    try {
      const res = await this.putObject(row, stamp);
      if (res.tooLarge) throw fail('file_changed', `The file changed while it was being uploaded: ${item.row.localPath}`);
      row.sha512 = res.sha512;
    } finally {
      release();
    }
    svc.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' });
  }

  /** The whole file in one worker task: stat (unless `stamp` pins it), read, hash, encrypt and PUT. */
  private putObject(row: UploadRow, stamp?: FileStamp): Promise<TaskResults['putObject']> {
    const { item, signal } = this;
    const tracked = { r: null as Running<'putObject'> | null };
    return this.svc.runner.exec<'putObject'>(
      (creds) => ({
        op: 'putObject',
        loc: locOf(row)(creds),
        path: item.row.localPath,
        key: row.key,
        iv: row.iv,
        metadata: metadataOf(row),
        ...(stamp ? { stamp } : {}),
        maxSize: row.partSize,
      }),
      { signal, track: (r) => item.track(r, tracked), batch: row.fileSize <= SMALL_FILE_BYTES },
    );
  }

  private async register(row: UploadRow): Promise<void> {
    const { item, svc, signal } = this;
    const folderId = await svc.folderFor(item, signal);
    // Marked by an earlier attempt or process: it may have gone through, so look before registering.
    let mayExist = row.phase === 'registering';
    for (let attempt = 1; ; attempt++) {
      if (!row.sha512) throw fail('internal', 'upload finished without a checksum');
      // Durable before the call: registration is not idempotent, so a crash right after it must
      // lead to a lookup, not a second record. The mark rides the journal's next batched commit,
      // awaited before taking an API slot.
      if (row.phase !== 'registering') {
        svc.journal.patchUpload(item.id, { phase: 'registering' });
        row.phase = 'registering';
      }
      await svc.journal.commit();
      const release = await svc.api.acquire(1, signal);
      try {
        if (mayExist && (await this.findRegistered(row, folderId))) return;
        if (await this.registerOnce(row, row.sha512, folderId, attempt)) return;
        mayExist = true;
      } finally {
        release();
      }
      await sleep(Math.random() * 250 * 2 ** attempt, undefined, { signal });
    }
  }

  /** One registration call: true once registered; false when its answer was lost and another round should look first. */
  private async registerOnce(row: UploadRow, sha512Hex: string, folderId: string, attempt: number): Promise<boolean> {
    const { item, svc, signal } = this;
    const target = JSON.parse(row.targetJson) as UploadTarget;
    try {
      const rf = await svc.storage.registerFile(
        {
          name: item.row.name,
          currentFolderId: folderId,
          encodedEncryptionKey: encodeB64(row.key),
          pathParts: { container: row.bucket, path: row.objectKey },
          storage: target.storage,
          decryptedSize: row.fileSize,
          sha512Hex,
        },
        signal,
      );
      this.adopt(rf.id);
      return true;
    } catch (e) {
      // The answer was lost, not necessarily the registration: the next round looks the
      // object up (in a listing begun after now) before it registers again.
      if (signal.aborted || !unclear(e) || attempt >= REGISTER_ATTEMPTS) throw e;
      svc.lookup.attemptEnded(row.objectKey);
      return false;
    }
  }

  private async findRegistered(row: Pick<UploadRow, 'objectKey'>, folder?: string): Promise<boolean> {
    const folderId = folder ?? (await this.svc.folderFor(this.item, this.signal));
    const id = await this.svc.lookup.find(folderId, row.objectKey, this.signal);
    if (id) this.adopt(id);
    return id !== null;
  }

  private adopt(remoteFileId: string): void {
    const { item, svc } = this;
    item.row.remoteFileId = remoteFileId;
    svc.journal.updateItem(item.id, { remoteFileId });
    // Registered: the key now lives in the Rescale file record; drop our sealed copy. (Committed
    // together with the item's "done" a moment later; either way a restart sees the file id.)
    svc.journal.deleteUpload(item.id);
  }
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

async function assertUnchanged(path: string, stamp: FileStamp): Promise<void> {
  const now = await stat(path).catch(() => null);
  if (!now || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs) {
    throw fail('file_changed', `The file changed while it was being uploaded (size ${stamp.size} → ${now ? now.size : 'deleted'}): ${path}`);
  }
}

/** A multiple of 16, at least 5 MiB (S3's minimum), large enough to stay under 10,000 parts. */
export function choosePartSize(fileSize: number, wanted: number): number {
  let p = Math.max(5 * MIB, Math.floor(wanted / 16) * 16);
  while (Math.ceil(fileSize / p) > 10_000) p *= 2;
  return p;
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
