// The journal's tables and rows: the schema, the row shapes the engine works with, and the
// mapping between them (journal.ts holds the database and its batched writes).
import type { TransferErrorCode, TransferNoticeCode, TransferState } from './types';
import type { Sealer } from './sealer';

export interface ItemRow {
  id: string;
  seq: number;
  kind: 'upload' | 'download';
  isBatch: boolean;
  parentId: string | null;
  name: string;
  localPath: string;
  relDir: string | null;
  remoteFileId: string | null;
  folderId: string | null;
  size: number;
  bytesDone: number;
  state: TransferState;
  errorCode: TransferErrorCode | null;
  errorMessage: string | null;
  noticeCode: TransferNoticeCode | null;
  noticeMessage: string | null;
  priority: number;
  createdAt: number;
  conflict: string | null;
  /** A download's file record without its key (see fileKey); a folder batch's list of folders. */
  remoteJson: string | null;
  /**
   * A download's AES key as the file record gives it (base64). Plaintext in memory only: the
   * journal stores it sealed (transfers.key_sealed) and drops it once the item is done, failed
   * or cancelled. Null when dropped (a later retry asks the platform for the record again).
   */
  fileKey: string | null;
  /** The account the transfer belongs to (null: journaled before accounts were recorded, or no accounts). */
  accountId: string | null;
}

export interface UploadRow {
  transferId: string;
  objectKey: string;
  bucket: string;
  targetJson: string;
  key: Buffer; // plaintext in memory; sealed at rest
  iv: Buffer;
  partSize: number;
  fileSize: number;
  mtimeMs: number;
  uploadId: string | null;
  sha512: string | null;
  phase: 'planned' | 'uploaded' | 'registering' | 'registered';
}

/**
 * An upload row as the journal holds it: `key` is null once the item failed (the key was
 * dropped; the row stays only while it still names a multipart upload to abort, or a
 * registration to look up) or when the sealer that sealed it is gone.
 */
export type StoredUpload = Omit<UploadRow, 'key'> & { key: Buffer | null };

export interface PartRow {
  partNo: number;
  lastBlock: Buffer;
  etag: string | null;
  cipherLen: number;
}

export interface DownloadRow {
  transferId: string;
  tempPath: string;
  objectSize: number;
  etag: string | null;
  rangeSize: number;
  phase: 'planned' | 'finalizing';
}

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS transfers (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL, is_batch INTEGER NOT NULL,
  parent_id TEXT, name TEXT NOT NULL, local_path TEXT NOT NULL, rel_dir TEXT,
  remote_file_id TEXT, folder_id TEXT, size INTEGER NOT NULL, bytes_done INTEGER NOT NULL,
  state TEXT NOT NULL, error_code TEXT, error_message TEXT, notice_code TEXT, notice_message TEXT,
  priority INTEGER NOT NULL, created_at INTEGER NOT NULL, conflict TEXT, remote_json TEXT, account_id TEXT, key_sealed BLOB);
CREATE INDEX IF NOT EXISTS transfers_parent ON transfers(parent_id);
CREATE TABLE IF NOT EXISTS uploads (
  transfer_id TEXT PRIMARY KEY, object_key TEXT NOT NULL, bucket TEXT NOT NULL, target_json TEXT NOT NULL,
  key_sealed BLOB NOT NULL, iv BLOB NOT NULL, part_size INTEGER NOT NULL, file_size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL, upload_id TEXT, sha512 TEXT, phase TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS upload_parts (
  transfer_id TEXT NOT NULL, part_no INTEGER NOT NULL, last_block BLOB NOT NULL, etag TEXT,
  cipher_len INTEGER NOT NULL, PRIMARY KEY (transfer_id, part_no)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS downloads (
  transfer_id TEXT PRIMARY KEY, temp_path TEXT NOT NULL, object_size INTEGER NOT NULL, etag TEXT,
  range_size INTEGER NOT NULL, phase TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS download_ranges (
  transfer_id TEXT NOT NULL, idx INTEGER NOT NULL, PRIMARY KEY (transfer_id, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS abandoned_uploads (
  upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, object_key TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS folders (
  batch_id TEXT NOT NULL, rel_dir TEXT NOT NULL, remote_id TEXT, PRIMARY KEY (batch_id, rel_dir)) WITHOUT ROWID;
`;

export type Row = Record<string, unknown>;
export const str = (v: unknown): string => String(v);
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toItem(r: Row): ItemRow {
  return {
    id: str(r.id),
    seq: Number(r.seq),
    kind: r.kind === 'download' ? 'download' : 'upload',
    isBatch: Number(r.is_batch) === 1,
    parentId: strOrNull(r.parent_id),
    name: str(r.name),
    localPath: str(r.local_path),
    relDir: strOrNull(r.rel_dir),
    remoteFileId: strOrNull(r.remote_file_id),
    folderId: strOrNull(r.folder_id),
    size: Number(r.size),
    bytesDone: Number(r.bytes_done),
    state: str(r.state) as TransferState,
    errorCode: strOrNull(r.error_code) as TransferErrorCode | null,
    errorMessage: strOrNull(r.error_message),
    noticeCode: strOrNull(r.notice_code) as TransferNoticeCode | null,
    noticeMessage: strOrNull(r.notice_message),
    priority: Number(r.priority),
    createdAt: Number(r.created_at),
    conflict: strOrNull(r.conflict),
    remoteJson: strOrNull(r.remote_json),
    fileKey: null, // opened by the journal (it holds the sealer)
    accountId: strOrNull(r.account_id),
  };
}

export const ITEM_COLUMNS: Record<keyof ItemRow, string> = {
  id: 'id',
  seq: 'seq',
  kind: 'kind',
  isBatch: 'is_batch',
  parentId: 'parent_id',
  name: 'name',
  localPath: 'local_path',
  relDir: 'rel_dir',
  remoteFileId: 'remote_file_id',
  folderId: 'folder_id',
  size: 'size',
  bytesDone: 'bytes_done',
  state: 'state',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  noticeCode: 'notice_code',
  noticeMessage: 'notice_message',
  priority: 'priority',
  createdAt: 'created_at',
  conflict: 'conflict',
  remoteJson: 'remote_json',
  fileKey: 'key_sealed',
  accountId: 'account_id',
};

export function sqlValue(v: unknown): unknown {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

/** An item column's stored value: a file key is sealed here, so the clear key never reaches the file. */
export function itemColumn(sealer: Sealer, k: keyof ItemRow, v: unknown): unknown {
  if (k === 'fileKey') return typeof v === 'string' && v ? sealer.seal(Buffer.from(v, 'utf8')) : null;
  return sqlValue(v);
}

/** A sealed value opened; null when there is none or the sealer cannot open it (a lost keychain key). */
export function openSealed(sealer: Sealer, v: unknown): Buffer | null {
  if (!(v instanceof Uint8Array) || v.length === 0) return null;
  try {
    return sealer.open(Buffer.from(v));
  } catch {
    return null;
  }
}
