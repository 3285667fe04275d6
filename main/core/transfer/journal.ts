// The crash-safe transfer journal: SQLite (better-sqlite3) in WAL mode.
//
// Why SQLite-WAL rather than an append-only log of our own:
// - WAL *is* an append-only log (commits are appended to `-wal`), but SQLite also gives us
//   atomic multi-row transactions, torn-write detection (frame checksums), automatic
//   compaction (checkpoints) and indexed reads for 10,000-item queues — each of which an
//   own log would need hand-written framing, snapshotting and replay code for.
// - synchronous=NORMAL in WAL mode: a commit is a write() into the WAL file, so it survives a
//   kill -9 of our process without an fsync per commit. (A power cut may lose the last commits
//   but never corrupts the database; losing a "part done" record only means re-sending that
//   part.) An enqueue is committed before the service acknowledges it (`insertItems`).
// - Progress writes are batched into one transaction every 50 ms (journal-batch.ts).
//
// Secrets: per-file AES keys (of uploads and of downloads) are stored sealed (Sealer port,
// keychain-backed) and dropped once the item is done, failed or cancelled; secure_delete makes
// SQLite overwrite what it deletes instead of leaving it in free space. Files are 0600 in a
// 0700 directory, and a symlink in place of one of them is refused, never followed.
import { JournalBatch } from './journal-batch';
import { migrateJournal } from './journal-migrate';
import { openPrivateSqlite } from '../private-sqlite';
import type { Sealer } from './sealer';
import { TERMINAL } from './types';
import {
  ITEM_COLUMNS,
  itemColumn,
  openSealed,
  SCHEMA,
  str,
  strOrNull,
  toItem,
  type DownloadRow,
  type ItemRow,
  type PartRow,
  type Row,
  type StoredUpload,
  type UploadRow,
} from './journal-rows';

export type { DownloadRow, ItemRow, PartRow, StoredUpload, UploadRow } from './journal-rows';

export class Journal extends JournalBatch {
  /** Items that have upload/download state rows: a fresh item's job needs no query at all. */
  private readonly withState = new Set<string>();
  /** Item updates queued in this batch, merged per item. */
  private readonly itemPatches = new Map<string, Partial<ItemRow>>();
  /** Upload rows queued for insertion in this batch (values still amendable). */
  private readonly uploadInserts = new Map<string, Omit<UploadRow, 'key'> & { key: Buffer; dropped: boolean }>();
  /** Upload rows this process inserted that never had a multipart upload id or parts. */
  private readonly lean = new Set<string>();

  private constructor(
    readonly path: string,
    private readonly sealer: Sealer,
  ) {
    super(openPrivateSqlite(path, { what: 'transfer journal', closeFolder: true, secureDelete: true }));
    this.db.exec(SCHEMA);
    migrateJournal(this.db, sealer);
    for (const r of this.db.prepare('SELECT transfer_id AS id FROM uploads UNION SELECT transfer_id FROM downloads').all() as Row[])
      this.withState.add(str(r.id));
  }

  static open(path: string, sealer: Sealer): Journal {
    return new Journal(path, sealer);
  }

  protected batchClosed(): void {
    this.itemPatches.clear();
    this.uploadInserts.clear();
  }

  // ---------------------------------------------------------------- items
  maxSeq(): number {
    this.flush();
    const r = this.stmt('SELECT COALESCE(MAX(seq), 0) AS m FROM transfers').get() as Row;
    return Number(r.m);
  }

  /** Durable on return: the caller may acknowledge the enqueue. */
  insertItems(items: ItemRow[]): void {
    this.flush();
    const cols = Object.values(ITEM_COLUMNS);
    const s = this.stmt(`INSERT INTO transfers (${cols.join(',')}) VALUES (${cols.map(() => '?').join(',')})`);
    this.db.transaction(() => {
      for (const it of items) {
        const row = TERMINAL.has(it.state) ? { ...it, fileKey: null } : it; // refused at enqueue: no key kept
        s.run(...(Object.keys(ITEM_COLUMNS) as (keyof ItemRow)[]).map((k) => itemColumn(this.sealer, k, row[k])));
      }
    })();
  }

  /**
   * Updates of one item queued within a batch merge into one statement (a small file's
   * running → verifying → file id → done often fall in the same 50 ms).
   */
  updateItem(id: string, patch: Partial<ItemRow>, durable = false): void {
    const fields: Partial<ItemRow> = { ...patch };
    delete fields.id;
    if (Object.keys(fields).length === 0) return;
    const queued = this.itemPatches.get(id);
    if (queued) Object.assign(queued, fields);
    else {
      this.itemPatches.set(id, fields);
      this.later(id, () => {
        const keys = Object.keys(fields) as (keyof ItemRow)[];
        const sql = `UPDATE transfers SET ${keys.map((k) => `${ITEM_COLUMNS[k]} = ?`).join(', ')} WHERE id = ?`;
        this.stmt(sql).run(...keys.map((k) => itemColumn(this.sealer, k, fields[k])), id);
      });
    }
    if (durable) this.flush();
  }

  loadItems(): ItemRow[] {
    this.flush();
    return (this.stmt('SELECT * FROM transfers ORDER BY seq').all() as Row[]).map((r) => ({
      ...toItem(r),
      fileKey: openSealed(this.sealer, r.key_sealed)?.toString('utf8') ?? null,
    }));
  }

  // ---------------------------------------------------------------- uploads
  getUpload(id: string): StoredUpload | undefined {
    if (!this.withState.has(id)) return undefined;
    this.flushFor(id);
    const r = this.stmt('SELECT * FROM uploads WHERE transfer_id = ?').get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      transferId: str(r.transfer_id),
      objectKey: str(r.object_key),
      bucket: str(r.bucket),
      targetJson: str(r.target_json),
      key: openSealed(this.sealer, r.key_sealed),
      iv: Buffer.from(r.iv as Buffer),
      partSize: Number(r.part_size),
      fileSize: Number(r.file_size),
      mtimeMs: Number(r.mtime_ms),
      uploadId: strOrNull(r.upload_id),
      sha512: strOrNull(r.sha512),
      phase: str(r.phase) as UploadRow['phase'],
    };
  }

  putUpload(u: UploadRow): void {
    const sealed = this.sealer.seal(u.key);
    const id = u.transferId;
    if (!this.withState.has(id)) {
      // No row on disk (none at open, and any since is deleted earlier in the queue): a plain
      // insert, which later patches in the same batch amend and a delete in it cancels.
      this.withState.add(id);
      const rec = { ...u, key: sealed, dropped: false };
      this.uploadInserts.set(id, rec);
      if (!u.uploadId) this.lean.add(id);
      this.later(id, () => {
        if (rec.dropped) return;
        this.stmt(
          `INSERT OR REPLACE INTO uploads (transfer_id, object_key, bucket, target_json, key_sealed, iv, part_size, file_size, mtime_ms, upload_id, sha512, phase)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
        ).run(id, rec.objectKey, rec.bucket, rec.targetJson, rec.key, rec.iv, rec.partSize, rec.fileSize, rec.mtimeMs, rec.uploadId, rec.sha512, rec.phase);
      });
      return;
    }
    this.lean.delete(id);
    this.later(u.transferId, () => {
      this.abandonOpen(u.transferId, u.uploadId);
      this.stmt('DELETE FROM upload_parts WHERE transfer_id = ?').run(u.transferId);
      this.stmt(
        `INSERT OR REPLACE INTO uploads (transfer_id, object_key, bucket, target_json, key_sealed, iv, part_size, file_size, mtime_ms, upload_id, sha512, phase)
         VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
      ).run(u.transferId, u.objectKey, u.bucket, u.targetJson, sealed, u.iv, u.partSize, u.fileSize, u.mtimeMs, u.uploadId, u.sha512, u.phase);
    });
  }

  patchUpload(id: string, patch: { uploadId?: string | null; sha512?: string | null; phase?: UploadRow['phase'] }, durable = false): void {
    const cols: Record<string, string> = { uploadId: 'upload_id', sha512: 'sha512', phase: 'phase' };
    const keys = Object.keys(patch) as (keyof typeof patch)[];
    if (keys.length === 0) return;
    if (patch.uploadId) this.lean.delete(id);
    const rec = this.uploadInserts.get(id);
    if (rec) {
      Object.assign(rec, patch); // not inserted yet: the insert takes the new values
      if (durable) this.flush();
      return;
    }
    const sql = `UPDATE uploads SET ${keys.map((k) => `${cols[k]} = ?`).join(', ')} WHERE transfer_id = ?`;
    const values = [...keys.map((k) => patch[k] ?? null), id];
    this.later(id, () => this.stmt(sql).run(...values));
    if (durable) this.flush();
  }

  /** Forgets the upload's key but keeps the row (its multipart upload id, its registration mark). */
  dropUploadKey(id: string): void {
    this.later(id, () => this.stmt("UPDATE uploads SET key_sealed = X'' WHERE transfer_id = ?").run(id));
  }

  deleteUpload(id: string): void {
    this.withState.delete(id);
    if (this.lean.delete(id)) {
      // Never had a multipart upload or parts: nothing to abort, one row at most to delete.
      const rec = this.uploadInserts.get(id);
      this.uploadInserts.delete(id);
      if (rec)
        rec.dropped = true; // still queued: never written
      else this.later(id, () => this.stmt('DELETE FROM uploads WHERE transfer_id = ?').run(id));
      return;
    }
    this.later(id, () => {
      this.abandonOpen(id, null);
      this.stmt('DELETE FROM upload_parts WHERE transfer_id = ?').run(id);
      this.stmt('DELETE FROM uploads WHERE transfer_id = ?').run(id);
    });
  }

  /**
   * Run inside the write that deletes or replaces an upload row: a multipart upload the row
   * still names (other than `keep`) is listed for the sweeper to abort, so its id is never lost.
   */
  private abandonOpen(id: string, keep: string | null): void {
    this.stmt(
      `INSERT OR IGNORE INTO abandoned_uploads (upload_id, bucket, object_key)
       SELECT upload_id, bucket, object_key FROM uploads WHERE transfer_id = ? AND upload_id IS NOT NULL AND phase = 'planned' AND upload_id IS NOT ?`,
    ).run(id, keep);
  }

  /** Multipart uploads no row names any more, still to be aborted (upload-leftovers.ts). */
  abandonedUploads(): { uploadId: string; bucket: string; objectKey: string }[] {
    this.flush();
    return (this.stmt('SELECT upload_id, bucket, object_key FROM abandoned_uploads').all() as Row[]).map((r) => ({
      uploadId: str(r.upload_id),
      bucket: str(r.bucket),
      objectKey: str(r.object_key),
    }));
  }

  forgetAbandoned(uploadId: string): void {
    this.stmt('DELETE FROM abandoned_uploads WHERE upload_id = ?').run(uploadId);
  }

  getParts(id: string): PartRow[] {
    if (!this.withState.has(id)) return [];
    this.flushFor(id);
    return (this.stmt('SELECT * FROM upload_parts WHERE transfer_id = ? ORDER BY part_no').all(id) as Row[]).map((r) => ({
      partNo: Number(r.part_no),
      lastBlock: Buffer.from(r.last_block as Buffer),
      etag: strOrNull(r.etag),
      cipherLen: Number(r.cipher_len),
    }));
  }

  /** Recorded when a part has been encrypted: its last block is the next part's IV. */
  partEncrypted(id: string, partNo: number, lastBlock: Buffer, cipherLen: number): void {
    this.lean.delete(id);
    this.later(id, () =>
      this.stmt(
        `INSERT INTO upload_parts (transfer_id, part_no, last_block, etag, cipher_len) VALUES (?,?,?,NULL,?)
         ON CONFLICT (transfer_id, part_no) DO UPDATE SET last_block = excluded.last_block, cipher_len = excluded.cipher_len`,
      ).run(id, partNo, lastBlock, cipherLen),
    );
  }

  partUploaded(id: string, partNo: number, lastBlock: Buffer, cipherLen: number, etag: string): void {
    this.lean.delete(id);
    this.later(id, () =>
      this.stmt(
        `INSERT INTO upload_parts (transfer_id, part_no, last_block, etag, cipher_len) VALUES (?,?,?,?,?)
         ON CONFLICT (transfer_id, part_no) DO UPDATE SET last_block = excluded.last_block, etag = excluded.etag, cipher_len = excluded.cipher_len`,
      ).run(id, partNo, lastBlock, etag, cipherLen),
    );
  }

  // ---------------------------------------------------------------- downloads
  getDownload(id: string): DownloadRow | undefined {
    if (!this.withState.has(id)) return undefined;
    this.flushFor(id);
    const r = this.stmt('SELECT * FROM downloads WHERE transfer_id = ?').get(id) as Row | undefined;
    if (!r) return undefined;
    return {
      transferId: str(r.transfer_id),
      tempPath: str(r.temp_path),
      objectSize: Number(r.object_size),
      etag: strOrNull(r.etag),
      rangeSize: Number(r.range_size),
      phase: str(r.phase) as DownloadRow['phase'],
    };
  }

  putDownload(d: DownloadRow, durable = false): void {
    this.withState.add(d.transferId);
    this.later(d.transferId, () => {
      this.stmt('DELETE FROM download_ranges WHERE transfer_id = ?').run(d.transferId);
      this.stmt('INSERT OR REPLACE INTO downloads (transfer_id, temp_path, object_size, etag, range_size, phase) VALUES (?,?,?,?,?,?)').run(
        d.transferId,
        d.tempPath,
        d.objectSize,
        d.etag,
        d.rangeSize,
        d.phase,
      );
    });
    if (durable) this.flush();
  }

  /** The object version a download's ranges come from, journaled before the first range is. */
  setDownloadEtag(id: string, etag: string): void {
    this.later(id, () => this.stmt('UPDATE downloads SET etag = ? WHERE transfer_id = ?').run(etag, id));
  }

  deleteDownload(id: string): void {
    this.withState.delete(id);
    this.later(id, () => {
      this.stmt('DELETE FROM download_ranges WHERE transfer_id = ?').run(id);
      this.stmt('DELETE FROM downloads WHERE transfer_id = ?').run(id);
    });
  }

  getRanges(id: string): Set<number> {
    if (!this.withState.has(id)) return new Set();
    this.flushFor(id);
    return new Set((this.stmt('SELECT idx FROM download_ranges WHERE transfer_id = ?').all(id) as Row[]).map((r) => Number(r.idx)));
  }

  /** Recorded only after the range is decrypted, written and fdatasync'ed. */
  rangeDone(id: string, idx: number): void {
    this.later(id, () => this.stmt('INSERT OR IGNORE INTO download_ranges (transfer_id, idx) VALUES (?,?)').run(id, idx));
  }

  // ---------------------------------------------------------------- remote folders of a batch
  getFolders(batchId: string): Map<string, string | null> {
    this.flushFor(batchId);
    const rows = this.stmt('SELECT rel_dir, remote_id FROM folders WHERE batch_id = ?').all(batchId) as Row[];
    return new Map(rows.map((r) => [str(r.rel_dir), strOrNull(r.remote_id)]));
  }

  /** remoteId null = "creation requested": on restart, look for it before creating again. */
  putFolder(batchId: string, relDir: string, remoteId: string | null, durable = false): void {
    this.later(batchId, () => this.stmt('INSERT OR REPLACE INTO folders (batch_id, rel_dir, remote_id) VALUES (?,?,?)').run(batchId, relDir, remoteId));
    if (durable) this.flush();
  }
}
