// One file download: ranged GETs decrypted in parallel into a temporary file in the target
// folder, SHA-512 computed while ranges land (a worker follows the contiguous watermark), then
// size + checksum verified, fsync, and only then the file appears under its final name.
// Each finished range is journaled once written, so a restart re-fetches only the rest. Ranges
// are not fsync'ed one by one: after a kill -9 the page cache still holds them, and if a power
// cut lost some, the SHA-512 check catches it and the file is fetched again from the start.
import { open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkCipherSize, cipherSize, decodeIv, decodeKey } from '../crypto';
import { fail } from './errors';
import type { JobCtx, JobReporter, LiveItem } from './item';
import type { DownloadRow } from './journal';
import { exists } from './local-dirs';
import type { RemoteFile } from './ports';
import type { Running } from './pool';
import { aborted } from './runner';
import { PartPipeline } from './part-pipeline';
import { SMALL_FILE_BYTES } from './file-slots';
import type { ConflictPolicy } from './types';
import type { StorageLoc } from './worker/protocol';
import { checkSha, expectedSha, fsErr, place, syncFile, tempPathFor } from './download-place';
import { BackgroundFlush, HashFollower, RangeLayout } from './download-ranges';

/** One download from its file record to a verified file under its final name; one run per start of the item. */
export class DownloadRun {
  private remote!: RemoteFile;
  private finalPath = '';
  private conflict: ConflictPolicy = 'keepBoth';
  /** A large download's key, the record's IV (the object's metadata wins) and the object's ETag once known. */
  private key: Buffer = Buffer.alloc(0);
  private iv: Buffer | undefined;
  private etag: string | null = null;

  constructor(
    private readonly item: LiveItem,
    private readonly svc: JobCtx,
    private readonly report: JobReporter,
    private readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    const { item, svc } = this;
    this.remote = await this.recordOf();
    this.finalPath = item.row.localPath;
    this.conflict = (item.row.conflict ?? 'keepBoth') as ConflictPolicy;
    const row = svc.journal.getDownload(item.id);

    if (!row && this.conflict === 'skip' && (await exists(this.finalPath))) {
      this.report.notice(item, 'skipped_exists', `Skipped: ${this.finalPath} already exists`);
      item.committed = item.row.size;
      return;
    }
    await svc.ensureDir(dirname(this.finalPath)).catch((e: unknown) => {
      throw fsErr(e, dirname(this.finalPath));
    });
    // Small files (most of a folder) take one GET and no journal state until they are placed.
    if (!row && cipherSize(this.remote.decryptedSize) <= this.rangeSize()) return this.small();
    if (row?.phase === 'finalizing') return this.resumePlacing(row);
    return this.large(row);
  }

  /**
   * The file record with its key. The journal keeps the key sealed and drops it when the item
   * ends (or cannot open it after the keychain lost the sealing key): then the record is fetched
   * again, and its key sealed into the journal for a resume after a crash.
   */
  private async recordOf(): Promise<RemoteFile> {
    const { item, svc } = this;
    const stored = JSON.parse(item.row.remoteJson ?? 'null') as Omit<RemoteFile, 'encodedEncryptionKey'> | null;
    if (!stored) throw fail('internal', 'download has no file record');
    if (item.row.fileKey) return { ...stored, encodedEncryptionKey: item.row.fileKey };
    const fresh = await svc.storage.getFile(item.row.remoteFileId ?? stored.id, this.signal);
    if (fresh.pathParts.path !== stored.pathParts.path || fresh.pathParts.container !== stored.pathParts.container) {
      throw fail('remote_changed', `The platform's record of "${stored.name}" now points to other stored data; download it again from its folder`);
    }
    item.row.fileKey = fresh.encodedEncryptionKey;
    svc.journal.updateItem(item.id, { fileKey: fresh.encodedEncryptionKey });
    return { ...stored, encodedEncryptionKey: fresh.encodedEncryptionKey };
  }

  private loc(creds: StorageLoc['creds']): StorageLoc {
    return { creds, bucket: this.remote.pathParts.container, key: this.remote.pathParts.path };
  }

  private rangeSize(): number {
    return Math.max(1 << 20, Math.floor(this.svc.limits().partSizeBytes / 16) * 16);
  }

  private async small(): Promise<void> {
    const { item, remote, signal } = this;
    const tempPath = tempPathFor(this.finalPath, item.id);
    const key = decodeKey(remote.encodedEncryptionKey);
    const iv = remote.iv ? decodeIv(remote.iv) : undefined;
    const tracked = { r: null as Running<'downloadWhole'> | null };
    try {
      const r = await this.svc.runner.exec<'downloadWhole'>(
        (creds) => ({ op: 'downloadWhole', loc: this.loc(creds), path: tempPath, key, ...(iv ? { iv } : {}), decryptedSize: remote.decryptedSize }),
        { signal, forFile: remote, track: (x) => item.track(x, tracked), batch: remote.decryptedSize <= SMALL_FILE_BYTES },
      );
      if (r.plainBytes !== remote.decryptedSize) throw fail('corrupt_object', `Decrypted ${r.plainBytes} bytes, the record says ${remote.decryptedSize}`);
      checkSha(remote, r.sha512);
      item.committed = item.row.size;
      await this.finalize(tempPath);
    } catch (e) {
      await rm(tempPath, { force: true });
      if (signal.aborted) throw aborted();
      throw fsErr(e, this.finalPath, tempPath);
    }
  }

  /** Interrupted while giving the file its name: check whichever copy exists, then finish. */
  private async resumePlacing(row: DownloadRow): Promise<void> {
    const { item } = this;
    const tempThere = await exists(row.tempPath);
    await this.verify(tempThere ? row.tempPath : item.row.localPath);
    item.noteResumed(item.row.size);
    if (tempThere) await this.finalize(row.tempPath);
    else this.svc.journal.deleteDownload(item.id);
  }

  private async large(resumed: DownloadRow | undefined): Promise<void> {
    const { item, remote, signal } = this;
    // A fresh download starts its ranges at once: the record gives the object's size, and the
    // ranges' answers its IV and ETag (checked by the worker). Only a resumed one asks first (HEAD)
    // whether the object is still the one its kept ranges came from. Over a real network the HEAD
    // cost a round trip and a TLS handshake before the first byte.
    const keep = resumed?.etag ? resumed : await this.discard(resumed);
    const objectSize = keep ? await this.readHead() : this.fromRecord();
    const row = await this.prepare(keep, objectSize);
    try {
      const sha = await this.fetchAll(row);
      await syncFile(row.tempPath);
      item.committed = item.row.size;
      this.report.setState(item, 'verifying');
      const st = await stat(row.tempPath);
      if (st.size !== remote.decryptedSize) throw fail('corrupt_object', `Downloaded ${st.size} bytes, the record says ${remote.decryptedSize}`);
      checkSha(remote, sha);
      await this.finalize(row.tempPath);
    } catch (e) {
      if (signal.aborted) throw aborted();
      const err = fsErr(e, this.finalPath, row.tempPath);
      if (!err.retryable) {
        // A failed item keeps nothing half-written behind (and frees the space for a disk-full retry).
        await rm(row.tempPath, { force: true });
        this.svc.journal.deleteDownload(item.id);
      }
      throw err;
    }
  }

  /**
   * A row kept without an ETag is from before any range came back (the ETag is journaled with the
   * first range): nothing in it is worth resuming.
   */
  private async discard(row: DownloadRow | undefined): Promise<undefined> {
    if (!row) return undefined;
    await rm(row.tempPath, { force: true });
    this.svc.journal.deleteDownload(this.item.id);
    return undefined;
  }

  /** The object's size as the record implies it; key and IV from the record. */
  private fromRecord(): number {
    const { remote } = this;
    this.key = decodeKey(remote.encodedEncryptionKey);
    this.iv = remote.iv ? decodeIv(remote.iv) : undefined;
    this.etag = null;
    return cipherSize(remote.decryptedSize);
  }

  /**
   * A range's answer named the object's version: the first one is journaled (a resume checks it),
   * and every other range must come from the same one.
   */
  private learnEtag(etag: string | null): void {
    if (etag === null || etag === this.etag) return;
    if (this.etag !== null) throw fail('remote_changed', `The stored file "${this.remote.name}" changed while it was downloading; download it again`);
    this.etag = etag;
    this.svc.journal.setDownloadEtag(this.item.id, etag);
  }

  /** The stored object's size; its IV (from its metadata, else the record), key and ETag go to the run. */
  private async readHead(): Promise<number> {
    const { remote } = this;
    const head = await this.svc.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: this.loc(creds) }), { signal: this.signal, forFile: remote });
    if (!head.exists) throw fail('not_found', `The stored object of "${remote.name}" is missing from storage`);
    checkCipherSize(head.size, remote.decryptedSize);
    const ivB64 = head.metadata.iv ?? remote.iv;
    if (!ivB64) throw fail('missing_iv', `The stored object of "${remote.name}" has no IV (metadata "iv"); it cannot be decrypted`);
    this.iv = decodeIv(ivB64);
    this.key = decodeKey(remote.encodedEncryptionKey);
    this.etag = head.etag ?? null;
    return head.size;
  }

  /** The journal row to fetch into: the interrupted one if its object and temporary file are still the same, else a new one. */
  private async prepare(resumed: DownloadRow | undefined, objectSize: number): Promise<DownloadRow> {
    const { item, svc, remote } = this;
    let row = resumed;
    if (row && (row.objectSize !== objectSize || row.etag !== this.etag)) {
      this.report.notice(item, 'remote_changed_restart', 'The stored file changed since this download started; downloading it again from the start.');
      await rm(row.tempPath, { force: true });
      svc.journal.deleteDownload(item.id);
      row = undefined;
    }
    if (row) {
      const t = await stat(row.tempPath).catch(() => null);
      if (!t || t.size !== remote.decryptedSize) {
        svc.journal.deleteDownload(item.id);
        row = undefined;
      }
    }
    if (row) return row;
    const fresh: DownloadRow = {
      transferId: item.id,
      tempPath: tempPathFor(this.finalPath, item.id),
      objectSize,
      etag: this.etag,
      rangeSize: this.rangeSize(),
      phase: 'planned',
    };
    const fh = await open(fresh.tempPath, 'w').catch((e: unknown) => {
      throw fsErr(e, this.finalPath);
    });
    try {
      await fh.truncate(remote.decryptedSize);
    } finally {
      await fh.close();
    }
    svc.journal.putDownload(fresh, true);
    return fresh;
  }

  /** Every range, then the SHA-512; ranges kept from before an interruption that prove damaged are fetched again once. */
  private async fetchAll(row: DownloadRow): Promise<string> {
    const { item, svc } = this;
    const hadRanges = svc.journal.getRanges(item.id).size > 0;
    const sha = await this.ranged(row);
    if (!hadRanges || expectedSha(this.remote) === null || expectedSha(this.remote) === sha) return sha;
    // Ranges from before an interruption did not survive (power cut?): start over once.
    this.report.notice(item, 'resume_discarded', 'Data kept from before the interruption was damaged; downloaded the file again.');
    svc.journal.putDownload({ ...row, etag: this.etag, phase: 'planned' }, true); // forgets the ranges, keeps the version
    item.committed = 0;
    item.resumedBytes = 0;
    return this.ranged(row);
  }

  /** Fetches the ranges not written yet, in parallel, with the hash following them; gives the SHA-512. */
  private async ranged(row: DownloadRow): Promise<string> {
    const { item, svc } = this;
    const layout = new RangeLayout(row, this.remote.decryptedSize);
    const done = svc.journal.getRanges(item.id);
    for (const idx of done) {
      item.committed += layout.plainLength(idx);
      item.noteResumed(layout.plainLength(idx));
    }
    const pipe = new PartPipeline(this.signal, svc.limits().partsPerFile);
    const hash = new HashFollower(svc.runner, pipe, row.tempPath, layout, done);
    const flush = new BackgroundFlush(row.tempPath);
    try {
      for (let idx = 0; idx < layout.count; idx++) {
        if (done.has(idx)) continue;
        const release = await pipe.slot();
        const written = (): void => {
          svc.journal.rangeDone(item.id, idx);
          done.add(idx);
          item.committed += layout.plainLength(idx);
          flush.wrote(layout.plainLength(idx));
          hash.advance();
        };
        pipe.add(this.fetchRange(row, layout, idx, pipe.signal, hash), written, release);
      }
    } catch (e) {
      pipe.fail(e);
    }
    const h = await pipe.finish(hash.result, null, () => flush.settled());
    return h?.sha512 ?? '';
  }

  private async fetchRange(row: DownloadRow, layout: RangeLayout, idx: number, signal: AbortSignal, hash: HashFollower): Promise<void> {
    const { key, iv } = this;
    const tracked = { r: null as Running<'downloadRange'> | null };
    const r = await this.svc.runner.exec<'downloadRange'>(
      (creds) => ({
        op: 'downloadRange',
        loc: this.loc(creds),
        path: row.tempPath,
        cipherOffset: layout.cipherOffset(idx),
        cipherLength: layout.cipherLength(idx),
        final: idx === layout.count - 1,
        key,
        ...(iv ? { iv } : {}),
        decryptedSize: this.remote.decryptedSize,
        // Read at each attempt: ranges started after the first answer ask for its version only.
        ...(this.etag ? { etag: this.etag } : {}),
      }),
      {
        signal,
        forFile: this.remote,
        track: (x) => {
          this.item.track(x, tracked);
          hash.rangeAttempt(idx, x);
        },
      },
    );
    this.learnEtag(r.etag);
  }

  /** Gives the verified temp file its final name; a crash in the middle is recognised on restart. */
  private async finalize(tempPath: string): Promise<void> {
    const { item, svc, finalPath } = this;
    // "finalizing" is durable before the rename, so a restart that finds no temp file verifies
    // the placed file instead of downloading a second copy. (It rides the journal's next batched
    // commit, shared with every other file at this step; the file slot is free meanwhile.)
    this.report.releaseSlot(item);
    svc.journal.putDownload({ transferId: item.id, tempPath, objectSize: 0, etag: null, rangeSize: 0, phase: 'finalizing' });
    await svc.journal.commit();
    const placed = place(tempPath, finalPath, this.conflict, (path) => {
      if (path === item.row.localPath) return;
      item.row.localPath = path; // a keepBoth name: recorded before the temp name goes away
      svc.journal.updateItem(item.id, { localPath: path }, true);
    });
    if (placed.skipped) this.report.notice(item, 'skipped_exists', `Skipped: ${finalPath} already exists`);
    svc.syncDirSoon(dirname(placed.path));
    svc.journal.deleteDownload(item.id); // committed with the item's "done"
  }

  private async verify(path: string): Promise<void> {
    const { item, remote } = this;
    const h = await this.svc.runner.local<'hashFile'>({ op: 'hashFile', path }, { signal: this.signal });
    if (h.bytes !== remote.decryptedSize) throw fail('corrupt_object', `${path} is ${h.bytes} bytes, the record says ${remote.decryptedSize}`);
    checkSha(remote, h.sha512);
    item.committed = item.row.size;
  }
}
