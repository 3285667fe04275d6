import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Journal, type ItemRow, type UploadRow } from '../../../main/core/transfer/journal';
import { createAesGcmSealer } from '../../../main/core/transfer/sealer';

const root = mkdtempSync(join(tmpdir(), 'courier-journal-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function item(id: string, seq: number): ItemRow {
  return {
    id,
    seq,
    kind: 'upload',
    isBatch: false,
    parentId: null,
    name: `f${seq}`,
    localPath: `/tmp/f${seq}`,
    relDir: null,
    remoteFileId: null,
    folderId: null,
    size: 100,
    bytesDone: 0,
    state: 'queued',
    errorCode: null,
    errorMessage: null,
    noticeCode: null,
    noticeMessage: null,
    priority: 0,
    createdAt: 1,
    conflict: null,
    remoteJson: null,
    fileKey: null,
    accountId: null,
  };
}

describe('journal', () => {
  it('creates its directory 0700 and its files 0600, in WAL mode', () => {
    const path = join(root, 'a', 'nested', 'transfers.db');
    const j = Journal.open(path, createAesGcmSealer(randomBytes(32)));
    j.insertItems([item('x', 1)]);
    expect(statSync(join(root, 'a', 'nested')).mode & 0o777).toBe(0o700);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    j.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps items, parts and ranges across a reopen; batched writes land on flush', () => {
    const path = join(root, 'b.db');
    const key = randomBytes(32);
    const j = Journal.open(path, createAesGcmSealer(key));
    j.insertItems([item('i1', 1), item('i2', 2)]);
    j.updateItem('i1', { state: 'running', bytesDone: 50 });
    const up: UploadRow = {
      transferId: 'i1',
      objectKey: 'user/u/f-abc',
      bucket: 'b',
      targetJson: '{}',
      key: randomBytes(32),
      iv: randomBytes(16),
      partSize: 5 << 20,
      fileSize: 100,
      mtimeMs: 1234.5,
      uploadId: null,
      sha512: null,
      phase: 'planned',
    };
    j.putUpload(up);
    j.patchUpload('i1', { uploadId: 'U1' });
    j.partEncrypted('i1', 1, Buffer.alloc(16, 1), 5 << 20);
    j.partUploaded('i1', 1, Buffer.alloc(16, 1), 5 << 20, '"etag1"');
    j.partEncrypted('i1', 2, Buffer.alloc(16, 2), 5 << 20);
    j.putDownload({ transferId: 'i2', tempPath: '/tmp/x.part', objectSize: 1 << 20, etag: '"e"', rangeSize: 1 << 18, phase: 'planned' });
    j.rangeDone('i2', 3);
    j.putFolder('batch', 'proj/sub', null);
    j.close();

    const j2 = Journal.open(path, createAesGcmSealer(key));
    const rows = j2.loadItems();
    expect(rows.map((r) => r.id)).toEqual(['i1', 'i2']);
    expect(rows[0]?.state).toBe('running');
    expect(rows[0]?.bytesDone).toBe(50);
    const u = j2.getUpload('i1');
    expect(u?.key?.equals(up.key)).toBe(true);
    expect(u?.uploadId).toBe('U1');
    expect(u?.mtimeMs).toBe(1234.5);
    const parts = j2.getParts('i1');
    expect(parts.map((p) => [p.partNo, p.etag])).toEqual([
      [1, '"etag1"'],
      [2, null],
    ]);
    expect(parts[1]?.lastBlock.equals(Buffer.alloc(16, 2))).toBe(true);
    expect([...j2.getRanges('i2')]).toEqual([3]);
    expect(j2.getDownload('i2')?.rangeSize).toBe(1 << 18);
    expect(j2.getDownload('i1')).toBeUndefined();
    expect(j2.getFolders('batch').get('proj/sub')).toBeNull();
    expect(j2.maxSeq()).toBe(2);
    j2.close();
  });

  describe('commit()', () => {
    afterEach(() => vi.useRealTimers());

    /** Whether `p` has settled once the fake clock moved `ms` on. */
    async function settledAfter(p: Promise<void>, ms: number): Promise<boolean> {
      let settled = false;
      void p.then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(ms);
      return settled;
    }

    it('after a quiet spell commits at the next turn; in a stream of commits, once per batch', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
      const path = join(root, 'commit.db');
      const j = Journal.open(path, createAesGcmSealer(randomBytes(32)));
      j.insertItems([item('c1', 1), item('c2', 2), item('c3', 3)]);
      const committedState = (id: string): unknown => {
        const db = new Database(path, { readonly: true });
        try {
          return (db.prepare('SELECT state FROM transfers WHERE id = ?').get(id) as { state: string }).state;
        } finally {
          db.close();
        }
      };

      // Alone (nothing written for 50 ms): durable within a turn, not 50 ms later.
      j.updateItem('c1', { state: 'running' });
      expect(await settledAfter(j.commit(), 1)).toBe(true);
      expect(committedState('c1')).toBe('running');

      // Right after that transaction: the next commit waits for the batch, shared with later writes.
      j.updateItem('c2', { state: 'running' });
      const second = j.commit();
      j.updateItem('c3', { state: 'running' });
      expect(await settledAfter(second, 10)).toBe(false);
      expect(committedState('c2')).toBe('queued');
      expect(await settledAfter(second, 50)).toBe(true);
      expect([committedState('c2'), committedState('c3')]).toEqual(['running', 'running']);
      j.close();
    });
  });

  it('never stores a file key in the clear, and needs the sealer key to read it', () => {
    const path = join(root, 'c.db');
    const fileKey = randomBytes(32);
    const j = Journal.open(path, createAesGcmSealer(randomBytes(32)));
    j.insertItems([item('k', 1)]);
    j.putUpload({
      transferId: 'k',
      objectKey: 'o',
      bucket: 'b',
      targetJson: '{}',
      key: fileKey,
      iv: randomBytes(16),
      partSize: 5 << 20,
      fileSize: 1,
      mtimeMs: 1,
      uploadId: null,
      sha512: null,
      phase: 'planned',
    });
    j.close();
    const raw = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`, { flag: 'a+' })]);
    expect(raw.includes(fileKey)).toBe(false);
    const wrong = Journal.open(path, createAesGcmSealer(randomBytes(32)));
    // Without the sealing key the row is readable but keyless: the upload starts over.
    expect(wrong.getUpload('k')).toMatchObject({ objectKey: 'o', key: null });
    wrong.close();
  });

  it('moves download keys that older journals kept in the clear into the sealed column (or drops them for finished items)', () => {
    const path = join(root, 'legacy.db');
    const keyA = randomBytes(32).toString('base64');
    const keyB = randomBytes(32).toString('base64');
    // A journal as the previous version wrote it: the whole file record, key included.
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE transfers (
      id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL, is_batch INTEGER NOT NULL,
      parent_id TEXT, name TEXT NOT NULL, local_path TEXT NOT NULL, rel_dir TEXT,
      remote_file_id TEXT, folder_id TEXT, size INTEGER NOT NULL, bytes_done INTEGER NOT NULL,
      state TEXT NOT NULL, error_code TEXT, error_message TEXT, notice_code TEXT, notice_message TEXT,
      priority INTEGER NOT NULL, created_at INTEGER NOT NULL, conflict TEXT, remote_json TEXT, account_id TEXT)`);
    const ins = old.prepare(
      "INSERT INTO transfers VALUES (?, ?, 'download', 0, NULL, 'f', '/tmp/f', NULL, 'F1', NULL, 10, 0, ?, NULL, NULL, NULL, NULL, 0, 1, NULL, ?, NULL)",
    );
    ins.run('queued', 1, 'queued', JSON.stringify({ id: 'F1', name: 'f', encodedEncryptionKey: keyA }));
    ins.run('done', 2, 'done', JSON.stringify({ id: 'F2', name: 'g', encodedEncryptionKey: keyB }));
    old.close();

    const sealerKey = randomBytes(32);
    const j = Journal.open(path, createAesGcmSealer(sealerKey));
    const rows = j.loadItems();
    expect(rows.map((r) => [r.id, r.fileKey])).toEqual([
      ['queued', keyA],
      ['done', null],
    ]);
    for (const r of rows) expect(r.remoteJson).not.toContain('encodedEncryptionKey');
    j.close();
    const bytes = Buffer.concat([readFileSync(path), readFileSync(`${path}-wal`, { flag: 'a+' })]);
    for (const k of [keyA, keyB]) {
      expect(bytes.includes(Buffer.from(k))).toBe(false);
      expect(bytes.includes(Buffer.from(k, 'base64'))).toBe(false);
    }
  });
});
