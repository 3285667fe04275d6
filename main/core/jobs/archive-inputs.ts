// Folder inputs travel as one archive (main/core/archive): packed, uploaded and registered once,
// and reused by every later launch of the same folder. jobs.db keeps which archive upload
// (file id) holds which folder, by the manifest's content key (and the quick key last seen for
// it, so a sweep of launches on an unchanged folder reads no file at all).
import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import { BUNDLE_ARCHIVE } from '../../../shared/jobs';
import { contentKey, quickKey } from '../archive/manifest';
import { packZip } from '../archive/pack';
import { filesTree, walkTree } from '../archive/walk';
import type { RescaleApi } from '../rescale/api';
import type { Db } from './db';
import type { OutboxStore } from './outbox-store';

interface Row {
  file_id: string;
  verified_at: number;
}

export class ArchiveUploads {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  find(accountId: string, key: { quick?: string; content?: string }): Row | null {
    const col = key.content ? 'content_key' : 'quick_key';
    const r = this.db
      .prepare(`SELECT file_id, verified_at FROM archive_uploads WHERE account_id = ? AND ${col} = ?`)
      .get(accountId, key.content ?? key.quick) as Row | undefined;
    return r ?? null;
  }

  remember(accountId: string, v: { quick: string; content: string; fileId: string; name: string; files: number; bytes: number }): void {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO archive_uploads (account_id, content_key, quick_key, file_id, name, files, bytes, created_at, verified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (account_id, content_key) DO UPDATE SET quick_key = excluded.quick_key, file_id = excluded.file_id, verified_at = excluded.verified_at`,
      )
      .run(accountId, v.content, v.quick, v.fileId, v.name, v.files, v.bytes, at, at);
  }

  seen(accountId: string, content: string, quick: string): void {
    this.db
      .prepare('UPDATE archive_uploads SET quick_key = ?, verified_at = ? WHERE account_id = ? AND content_key = ?')
      .run(quick, this.now(), accountId, content);
  }

  forget(accountId: string, fileId: string): void {
    this.db.prepare('DELETE FROM archive_uploads WHERE account_id = ? AND file_id = ?').run(accountId, fileId);
  }

  count(): number {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM archive_uploads').get() as { n: number }).n);
  }
}

export interface ArchiveDeps {
  uploads: ArchiveUploads;
  /** Where archives wait for their upload (one folder per submission input). */
  stagingDir: string;
  apiFor(accountId: string): Promise<RescaleApi>;
}

export type FolderPlan = { kind: 'reuse'; fileId: string } | { kind: 'upload'; staged: string; quick: string; content: string };

/** Is the platform's file still there? A failed lookup other than "not found" is thrown (retried later). */
async function stillThere(api: RescaleApi, fileId: string, signal: AbortSignal): Promise<boolean> {
  try {
    const f = await api.getFile(fileId, signal);
    return !f.isDeleted;
  } catch (e) {
    if (e instanceof CourierError && e.code === 'not_found') return false;
    throw e;
  }
}

/**
 * An earlier upload is reused only if the platform still has it (the user may have deleted it in
 * Files or the web UI). One read per launch: a sweep's pace is set by the submit limit (1,000 an
 * hour), far below what these reads cost.
 */
async function reusable(d: ArchiveDeps, accountId: string, row: Row | null, signal: AbortSignal): Promise<string | null> {
  if (!row) return null;
  if (await stillThere(await d.apiFor(accountId), row.file_id, signal)) return row.file_id;
  d.uploads.forget(accountId, row.file_id);
  return null;
}

/**
 * For one folder input: the file id of an earlier upload of the same folder, or a freshly
 * packed archive to upload (`staged`), with the keys to remember it by once registered.
 */
export async function planFolder(
  d: ArchiveDeps,
  accountId: string,
  slot: string,
  folder: { path: string; name: string; members?: string[] },
  signal: AbortSignal,
): Promise<FolderPlan> {
  // A bundle of loose files is packed at the archive's top level (no folder name inside it).
  const inside = folder.members ? '' : folder.name;
  const tree = folder.members ? await filesTree(folder.members) : await walkTree(folder.path);
  const quick = quickKey(inside, tree);
  const byQuick = await reusable(d, accountId, d.uploads.find(accountId, { quick }), signal);
  if (byQuick) return { kind: 'reuse', fileId: byQuick };
  const content = await contentKey(inside, tree);
  const byContent = await reusable(d, accountId, d.uploads.find(accountId, { content }), signal);
  if (byContent) {
    d.uploads.seen(accountId, content, quick);
    return { kind: 'reuse', fileId: byContent };
  }
  signal.throwIfAborted();
  const dir = join(d.stagingDir, slot);
  await rm(dir, { recursive: true, force: true }); // a half-packed archive of an earlier attempt
  const staged = join(dir, randomUUID().slice(0, 8), folder.members ? BUNDLE_ARCHIVE : `${folder.name}.zip`);
  await packZip(tree, inside, staged);
  return { kind: 'upload', staged, quick, content };
}

/** The staging folder name of a submission's input. */
export const stagingSlot = (submissionId: string, index: number): string => `${submissionId}-${index}`;

export async function dropStaged(d: Pick<ArchiveDeps, 'stagingDir'>, slot: string): Promise<void> {
  await rm(join(d.stagingDir, slot), { recursive: true, force: true });
}

/**
 * Removes archives no open submission waits for (left by a cancel, an edit or a crash). The open
 * ids are read after the folder, so an archive staged meanwhile belongs to a submission they include.
 */
export async function sweepStaged(d: Pick<ArchiveDeps, 'stagingDir'>, store: Pick<OutboxStore, 'openIds'>): Promise<void> {
  const names = await readdir(d.stagingDir).catch(() => [] as string[]);
  if (names.length === 0) return;
  const openIds = store.openIds();
  for (const n of names) if (!openIds.has(n.replace(/-\d+$/, ''))) await rm(join(d.stagingDir, n), { recursive: true, force: true });
}
