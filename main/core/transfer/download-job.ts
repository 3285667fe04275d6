// One file download: ranged GETs decrypted in parallel into a temporary file in the target
// folder, SHA-512 computed while ranges land (a worker follows the contiguous watermark), then
// size + checksum verified, fsync, and only then the file appears under its final name.
// Each finished range is journaled once written, so a restart re-fetches only the rest. Ranges
// are not fsync'ed one by one: after a kill -9 the page cache still holds them, and if a power
// cut lost some, the SHA-512 check catches it and the file is fetched again from the start.
import { existsSync, linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkCipherSize, cipherSize, decodeIv, decodeKey } from '../crypto';
import { fail, toErrorInfo, TransferError } from './errors';
import type { JobCtx, LiveItem } from './item';
import type { DownloadRow } from './journal';
import { keepBothPath } from './names';
import { exists } from './local-dirs';
import type { RemoteFile } from './ports';
import type { Running } from './pool';
import { aborted } from './runner';
import { PartPipeline } from './part-pipeline';
import type { ConflictPolicy } from './types';
import type { StorageLoc } from './worker/protocol';

export function tempPathFor(finalPath: string, id: string): string {
  return join(dirname(finalPath), `.courier-${id}.part`);
}

function expectedSha(remote: RemoteFile): string | null {
  const c = remote.fileChecksums.find((x) => x.hashFunction.replace(/[-_]/g, '').toLowerCase() === 'sha512');
  return c ? c.fileHash.toLowerCase() : null;
}

/** A local error on `path`; one the worker met on the temporary file names the file the user asked for instead. */
function fsErr(e: unknown, path: string, tempPath?: string): TransferError {
  if (!(e instanceof TransferError)) return new TransferError(toErrorInfo(e, path));
  return tempPath && e.message.includes(tempPath) ? new TransferError({ ...e.info(), message: e.message.split(tempPath).join(path) }) : e;
}

/**
 * The file record with its key. The journal keeps the key sealed and drops it when the item
 * ends (or cannot open it after the keychain lost the sealing key): then the record is fetched
 * again, and its key sealed into the journal for a resume after a crash.
 */
async function recordOf(item: LiveItem, ctx: JobCtx, signal: AbortSignal): Promise<RemoteFile> {
  const stored = JSON.parse(item.row.remoteJson ?? 'null') as Omit<RemoteFile, 'encodedEncryptionKey'> | null;
  if (!stored) throw fail('internal', 'download has no file record');
  if (item.row.fileKey) return { ...stored, encodedEncryptionKey: item.row.fileKey };
  const fresh = await ctx.storage.getFile(item.row.remoteFileId ?? stored.id, signal);
  if (fresh.pathParts.path !== stored.pathParts.path || fresh.pathParts.container !== stored.pathParts.container) {
    throw fail('remote_changed', `The platform's record of "${stored.name}" now points to other stored data; download it again from its folder`);
  }
  item.row.fileKey = fresh.encodedEncryptionKey;
  ctx.journal.updateItem(item.id, { fileKey: fresh.encodedEncryptionKey });
  return { ...stored, encodedEncryptionKey: fresh.encodedEncryptionKey };
}

export async function runDownload(item: LiveItem, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const remote = await recordOf(item, ctx, signal);
  const finalPath = item.row.localPath;
  const conflict = (item.row.conflict ?? 'keepBoth') as ConflictPolicy;
  const row = ctx.journal.getDownload(item.id);

  if (!row && conflict === 'skip' && (await exists(finalPath))) {
    ctx.notice(item, 'skipped_exists', `Skipped: ${finalPath} already exists`);
    item.committed = item.row.size;
    return;
  }
  await ctx.ensureDir(dirname(finalPath)).catch((e: unknown) => {
    throw fsErr(e, dirname(finalPath));
  });
  // Small files (most of a folder) take one GET and no journal state until they are placed.
  if (!row && cipherSize(remote.decryptedSize) <= rangeSizeFor(ctx)) return downloadSmall(item, remote, finalPath, conflict, ctx, signal);
  return downloadLarge(item, remote, row, finalPath, conflict, ctx, signal);
}

async function downloadSmall(item: LiveItem, remote: RemoteFile, finalPath: string, conflict: ConflictPolicy, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const tempPath = tempPathFor(finalPath, item.id);
  const key = decodeKey(remote.encodedEncryptionKey);
  const iv = remote.iv ? decodeIv(remote.iv) : undefined;
  const tracked = { r: null as Running<'downloadWhole'> | null };
  try {
    const r = await ctx.runner.exec<'downloadWhole'>(
      (creds) => ({
        op: 'downloadWhole',
        loc: { creds, bucket: remote.pathParts.container, key: remote.pathParts.path },
        path: tempPath,
        key,
        ...(iv ? { iv } : {}),
        decryptedSize: remote.decryptedSize,
      }),
      { signal, forFile: remote, track: (x) => item.track(x, tracked) },
    );
    if (r.plainBytes !== remote.decryptedSize) throw fail('corrupt_object', `Decrypted ${r.plainBytes} bytes, the record says ${remote.decryptedSize}`);
    checkSha(remote, r.sha512);
    item.committed = item.row.size;
    await finalize(item, tempPath, finalPath, conflict, ctx);
  } catch (e) {
    await rm(tempPath, { force: true });
    if (signal.aborted) throw aborted();
    throw fsErr(e, finalPath, tempPath);
  }
}

async function downloadLarge(
  item: LiveItem,
  remote: RemoteFile,
  resumed: DownloadRow | undefined,
  finalPath: string,
  conflict: ConflictPolicy,
  ctx: JobCtx,
  signal: AbortSignal,
): Promise<void> {
  let row = resumed;
  if (row?.phase === 'finalizing') {
    // Interrupted while giving the file its name: check whichever copy exists, then finish.
    const tempThere = await exists(row.tempPath);
    await verify(item, remote, tempThere ? row.tempPath : item.row.localPath, ctx, signal);
    ctx.noteResumed(item, item.row.size);
    if (tempThere) await finalize(item, row.tempPath, finalPath, conflict, ctx);
    else ctx.journal.deleteDownload(item.id);
    return;
  }
  const loc = (creds: StorageLoc['creds']): StorageLoc => ({ creds, bucket: remote.pathParts.container, key: remote.pathParts.path });
  const head = await ctx.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: loc(creds) }), { signal, forFile: remote });
  if (!head.exists) throw fail('not_found', `The stored object of "${remote.name}" is missing from storage`);
  checkCipherSize(head.size, remote.decryptedSize);
  const ivB64 = head.metadata.iv ?? remote.iv;
  if (!ivB64) throw fail('missing_iv', `The stored object of "${remote.name}" has no IV (metadata "iv"); it cannot be decrypted`);
  const iv = decodeIv(ivB64);
  const key = decodeKey(remote.encodedEncryptionKey);
  const etag = head.etag ?? null;

  if (row && (row.objectSize !== head.size || row.etag !== etag)) {
    ctx.notice(item, 'remote_changed_restart', 'The stored file changed since this download started; downloading it again from the start.');
    await rm(row.tempPath, { force: true });
    ctx.journal.deleteDownload(item.id);
    row = undefined;
  }
  if (row) {
    const t = await stat(row.tempPath).catch(() => null);
    if (!t || t.size !== remote.decryptedSize) {
      ctx.journal.deleteDownload(item.id);
      row = undefined;
    }
  }
  if (!row) {
    row = { transferId: item.id, tempPath: tempPathFor(finalPath, item.id), objectSize: head.size, etag, rangeSize: rangeSizeFor(ctx), phase: 'planned' };
    const fh = await open(row.tempPath, 'w').catch((e: unknown) => {
      throw fsErr(e, finalPath);
    });
    try {
      await fh.truncate(remote.decryptedSize);
    } finally {
      await fh.close();
    }
    ctx.journal.putDownload(row, true);
  }

  try {
    const hadRanges = ctx.journal.getRanges(item.id).size > 0;
    let sha = await ranged(item, row, remote, key, iv, etag, ctx, signal);
    if (hadRanges && expectedSha(remote) !== null && expectedSha(remote) !== sha) {
      // Ranges from before an interruption did not survive (power cut?): start over once.
      ctx.notice(item, 'resume_discarded', 'Data kept from before the interruption was damaged; downloaded the file again.');
      ctx.journal.putDownload({ ...row, phase: 'planned' }, true); // forgets the ranges
      item.committed = 0;
      item.resumedBytes = 0;
      sha = await ranged(item, row, remote, key, iv, etag, ctx, signal);
    }
    await syncFile(row.tempPath);
    item.committed = item.row.size;
    ctx.setState(item, 'verifying');
    const st = await stat(row.tempPath);
    if (st.size !== remote.decryptedSize) throw fail('corrupt_object', `Downloaded ${st.size} bytes, the record says ${remote.decryptedSize}`);
    checkSha(remote, sha);
    await finalize(item, row.tempPath, finalPath, conflict, ctx);
  } catch (e) {
    if (signal.aborted) throw aborted();
    const err = fsErr(e, finalPath, row.tempPath);
    if (!err.retryable) {
      // A failed item keeps nothing half-written behind (and frees the space for a disk-full retry).
      await rm(row.tempPath, { force: true });
      ctx.journal.deleteDownload(item.id);
    }
    throw err;
  }
}

/** Gives the verified temp file its final name; a crash in the middle is recognised on restart. */
async function finalize(item: LiveItem, tempPath: string, finalPath: string, conflict: ConflictPolicy, ctx: JobCtx): Promise<void> {
  // "finalizing" is durable before the rename, so a restart that finds no temp file verifies
  // the placed file instead of downloading a second copy. (It rides the journal's next batched
  // commit, shared with every other file at this step; the file slot is free meanwhile.)
  ctx.releaseSlot(item);
  ctx.journal.putDownload({ transferId: item.id, tempPath, objectSize: 0, etag: null, rangeSize: 0, phase: 'finalizing' });
  await ctx.journal.commit();
  const placed = place(tempPath, finalPath, conflict, (path) => {
    if (path === item.row.localPath) return;
    item.row.localPath = path; // a keepBoth name: recorded before the temp name goes away
    ctx.journal.updateItem(item.id, { localPath: path }, true);
  });
  if (placed.skipped) ctx.notice(item, 'skipped_exists', `Skipped: ${finalPath} already exists`);
  ctx.syncDirSoon(dirname(placed.path));
  ctx.journal.deleteDownload(item.id); // committed with the item's "done"
}

function rangeSizeFor(ctx: JobCtx): number {
  return Math.max(1 << 20, Math.floor(ctx.limits().partSizeBytes / 16) * 16);
}

async function ranged(
  item: LiveItem,
  row: DownloadRow,
  remote: RemoteFile,
  key: Buffer,
  iv: Buffer,
  etag: string | null,
  ctx: JobCtx,
  signal: AbortSignal,
): Promise<string> {
  const size = row.objectSize;
  // A file of exactly k ranges has one more ciphertext block (the padding): fold such a small
  // tail into the last range instead of a request of its own.
  let count = Math.ceil(size / row.rangeSize);
  if (count > 1 && size - (count - 1) * row.rangeSize <= 64 * 1024) count--;
  const plainEnd = (idx: number): number => (idx === count - 1 ? remote.decryptedSize : (idx + 1) * row.rangeSize);
  const done = ctx.journal.getRanges(item.id);
  for (const idx of done) {
    item.committed += plainEnd(idx) - idx * row.rangeSize;
    ctx.noteResumed(item, plainEnd(idx) - idx * row.rangeSize);
  }

  const pipe = new PartPipeline(signal, ctx.limits().partsPerFile);
  let hashRun: Running<'hashFile'> | null = null;
  let contiguous = 0;
  const advance = (): void => {
    while (contiguous < count && done.has(contiguous)) contiguous++;
    hashRun?.setWatermark(contiguous === count ? remote.decryptedSize : contiguous * row.rangeSize);
  };
  // The hash follows the ranges written so far (a watermark), beside the downloads.
  const hashP = pipe.side(
    ctx.runner.local<'hashFile'>(
      { op: 'hashFile', path: row.tempPath, follow: { total: remote.decryptedSize } },
      {
        signal: pipe.signal,
        track: (r) => {
          hashRun = r;
          advance();
        },
      },
    ),
  );

  const flush = new BackgroundFlush(row.tempPath);
  try {
    for (let idx = 0; idx < count; idx++) {
      if (done.has(idx)) continue;
      const release = await pipe.slot();
      const cipherOffset = idx * row.rangeSize;
      const cipherLength = idx === count - 1 ? size - cipherOffset : row.rangeSize;
      const tracked = { r: null as Running<'downloadRange'> | null };
      const tempPath = row.tempPath;
      const part = ctx.runner.exec<'downloadRange'>(
        (creds) => ({
          op: 'downloadRange',
          loc: { creds, bucket: remote.pathParts.container, key: remote.pathParts.path },
          path: tempPath,
          cipherOffset,
          cipherLength,
          final: idx === count - 1,
          key,
          iv,
          ...(etag ? { etag } : {}),
        }),
        { signal: pipe.signal, forFile: remote, track: (x) => item.track(x, tracked) },
      );
      pipe.add(
        part,
        () => {
          ctx.journal.rangeDone(item.id, idx);
          done.add(idx);
          item.committed += plainEnd(idx) - cipherOffset;
          flush.wrote(plainEnd(idx) - cipherOffset);
          advance();
        },
        release,
      );
    }
  } catch (e) {
    pipe.fail(e);
  }
  const hash = await pipe.finish(hashP, null, () => flush.settled());
  return hash?.sha512 ?? '';
}

/**
 * Flushes ranges to disk while the download goes on (one fdatasync in flight at a time), so the
 * fsync before the rename has little left to write: for 1 GiB it took ~0.6 s at the very end.
 */
class BackgroundFlush {
  private pending: Promise<void> | null = null;
  private unflushed = 0;
  constructor(
    private readonly path: string,
    private readonly every = 128 * 1024 * 1024,
  ) {}
  wrote(bytes: number): void {
    this.unflushed += bytes;
    if (this.unflushed < this.every || this.pending) return;
    this.unflushed = 0;
    // A failed early flush is not an error: the final fsync before the rename decides.
    this.pending = syncFile(this.path)
      .catch(() => undefined)
      .finally(() => (this.pending = null));
  }
  async settled(): Promise<void> {
    await this.pending;
  }
}

function checkSha(remote: RemoteFile, sha: string): void {
  const want = expectedSha(remote);
  if (want && want !== sha)
    throw fail('checksum_mismatch', `SHA-512 of the downloaded "${remote.name}" does not match the file record; the download was discarded`);
}

async function verify(item: LiveItem, remote: RemoteFile, path: string, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const h = await ctx.runner.local<'hashFile'>({ op: 'hashFile', path }, { signal });
  if (h.bytes !== remote.decryptedSize) throw fail('corrupt_object', `${path} is ${h.bytes} bytes, the record says ${remote.decryptedSize}`);
  checkSha(remote, h.sha512);
  item.committed = item.row.size;
}

/**
 * Puts the verified temp file in place. link() is used where the policy must not clobber:
 * it fails with EEXIST instead of replacing, so there is no check-then-rename race.
 * Synchronous on purpose: a link or rename takes ~40 µs, while each async fs call costs a
 * thread-pool round trip (~120 µs of CPU on small VMs), which dominated 2,000-file downloads.
 */
function place(temp: string, finalPath: string, policy: ConflictPolicy, linked: (path: string) => void): { path: string; skipped: boolean } {
  if (policy === 'overwrite') {
    renameSync(temp, finalPath);
    return { path: finalPath, skipped: false };
  }
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? finalPath : keepBothPath(finalPath, n);
    try {
      try {
        linkSync(temp, candidate);
      } catch (e) {
        // Our own link from before a crash counts as placed.
        if ((e as { code?: string }).code !== 'EEXIST' || statSync(candidate).ino !== statSync(temp).ino) throw e;
      }
      linked(candidate);
      unlinkSync(temp);
      return { path: candidate, skipped: false };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EEXIST') {
        if (policy === 'skip') {
          unlinkSync(temp);
          return { path: finalPath, skipped: true };
        }
        continue;
      }
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
        // File systems without hard links (FAT, some network shares): check, then rename.
        if (existsSync(candidate)) {
          if (policy === 'skip') {
            unlinkSync(temp);
            return { path: finalPath, skipped: true };
          }
          continue;
        }
        linked(candidate);
        renameSync(temp, candidate);
        return { path: candidate, skipped: false };
      }
      throw e;
    }
  }
  throw fail('internal', `No free name for ${finalPath}`);
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
