// The journal rows a request to move files becomes: one per file, plus one per folder (a batch
// whose items are its files). Names from the platform are checked here, before any local path
// is made from them.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { toErrorInfo, TransferError } from './errors';
import { walkLocal } from './folders';
import type { ItemRow } from './journal';
import { checkRelativePath, checkSegment, safeJoin } from './names';
import type { RemoteFile } from './ports';
import type { DownloadOptions } from './service';

export type RowMaker = (p: Partial<ItemRow> & Pick<ItemRow, 'kind' | 'name' | 'localPath' | 'size'>) => ItemRow;

/** New queued rows, numbered in order and owned by the active account. */
export function rowMaker(nextSeq: () => number, account: () => string | null, now: () => number): RowMaker {
  return (p) => ({
    id: randomUUID(),
    seq: nextSeq(),
    isBatch: false,
    parentId: null,
    relDir: null,
    remoteFileId: null,
    folderId: null,
    bytesDone: 0,
    state: 'queued',
    errorCode: null,
    errorMessage: null,
    noticeCode: null,
    noticeMessage: null,
    priority: 0,
    createdAt: now(),
    conflict: null,
    remoteJson: null,
    fileKey: null,
    accountId: account(),
    ...p,
  });
}

function failedRow(base: ItemRow, e: unknown, path?: string): ItemRow {
  const info = toErrorInfo(e, path);
  return { ...base, state: 'failed', errorCode: info.code, errorMessage: info.message };
}

/** A file, or a folder as a batch of its files; what cannot be read is a failed row saying why. */
export async function uploadRows(row: RowMaker, paths: string[], priority: number, folderId: string | null): Promise<ItemRow[]> {
  const rows: ItemRow[] = [];
  for (const p0 of paths) {
    const p = resolve(p0);
    const base = row({ kind: 'upload', name: basename(p), localPath: p, size: 0, priority, folderId });
    try {
      const st = await stat(p);
      if (st.isDirectory()) {
        const tree = await walkLocal(p);
        const batch: ItemRow = { ...base, isBatch: true, size: tree.files.reduce((a, f) => a + f.size, 0), remoteJson: JSON.stringify(tree.dirs) };
        rows.push(batch);
        for (const f of tree.files)
          rows.push(row({ kind: 'upload', name: f.name, localPath: f.path, size: f.size, priority, parentId: batch.id, relDir: f.relDir }));
      } else if (st.isFile()) {
        rows.push({ ...base, size: st.size });
      } else {
        rows.push(failedRow(base, new TransferError({ code: 'not_a_file', message: `Not a regular file or folder: ${p}`, retryable: false })));
      }
    } catch (e) {
      rows.push(failedRow(base, e, p));
    }
  }
  return rows;
}

/** One file to download into `root` (under `relDir` for a folder's file). */
export function downloadRow(row: RowMaker, f: RemoteFile, root: string, o: DownloadOptions, parentId: string | null, relDir: string[] = []): ItemRow {
  // The key goes to the journal sealed (fileKey), never inside the record's JSON.
  const { encodedEncryptionKey, ...record } = f;
  const base = row({
    kind: 'download',
    name: f.name,
    localPath: root,
    size: f.decryptedSize,
    priority: o.priority ?? 0,
    parentId,
    remoteFileId: f.id,
    conflict: o.conflict ?? 'keepBoth',
    remoteJson: JSON.stringify(record),
    fileKey: encodedEncryptionKey || null,
  });
  try {
    return { ...base, localPath: safeJoin(root, localSegments(f, relDir, o.preserveRelativePaths === true)) };
  } catch (e) {
    // Refused before any path was made from the name (localPath stays the target folder,
    // never the hostile name); marked so retry() knows it cannot succeed.
    return { ...failedRow(base, e), noticeCode: 'not_retryable', noticeMessage: 'The name from the server cannot be used as a local file name' };
  }
}

function localSegments(f: RemoteFile, relDir: string[], preserveRelativePaths: boolean): string[] {
  if (relDir.length > 0) {
    for (const s of relDir) checkSegment(s);
    checkSegment(f.name);
    return [...relDir, f.name];
  }
  if (preserveRelativePaths && f.relativePath) {
    const segs = checkRelativePath(f.relativePath);
    if (segs.length === 0) throw new TransferError({ code: 'invalid_name', message: 'empty relative path', retryable: false });
    return segs;
  }
  checkSegment(f.name);
  return [f.name];
}
