// Where the CLI's transfer journals live, what they are called and what seals them: one place for
// the journal of a transfer command and the run journal the core's engine uses for job inputs.
// Both are sealed with a key derived from the run's API key (see Connection.sealerKey).
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TransferService, TransferView } from '../main/core/transfer';
import type { ProcessLock } from '../main/core/transfer/process-lock';
import { createAesGcmSealer, type Sealer } from '../main/core/transfer/sealer';

export interface TransferJournal {
  /** The SQLite file; `.owner` beside it is the lock of the process driving it. */
  path: string;
  sealer: Sealer;
}

/** A journal's file: `name` as given, or the hash of the parts that identify a transfer command. */
function cliJournalPath(dataDir: string, name: string | string[]): string {
  const file = typeof name === 'string' ? name : createHash('sha256').update(name.join('\0')).digest('hex').slice(0, 24);
  return join(dataDir, 'cli-journals', `${file}.db`);
}

/** The journal, its folder made private first. */
export function cliJournal(dataDir: string, name: string | string[], sealerKey: Buffer): TransferJournal {
  mkdirSync(join(dataDir, 'cli-journals'), { recursive: true, mode: 0o700 });
  return { path: cliJournalPath(dataDir, name), sealer: createAesGcmSealer(sealerKey) };
}

/** The lock file of the journal at `dbPath` (`x.db` → `x.owner`): held by the one process that drives it. */
export function lockPathOf(dbPath: string): string {
  return dbPath.replace(/\.db$/, '.owner');
}

/** What a journal's contents show: whose work it is, and whether anything in it is left to finish. */
export interface JournalSurvey {
  /**
   * `ours`: a sealed file key in it opens with this key (AES-GCM authenticates, so a foreign key
   * never does) or, with nothing sealed (a failed upload keeps only its multipart upload's id),
   * its items carry one of this connection's accounts. `foreign`: another key's sealed key, or
   * another account's items. `unclaimed`: neither a sealed key nor an account (written before
   * journals recorded them): no key can show that it is its work.
   */
  owner: 'ours' | 'foreign' | 'unclaimed';
  /** An unsettled item, an upload row (a multipart upload's parts), an abandoned upload or a partial download. */
  unfinished: boolean;
}

/** Reads (only) the journal at `path`; null when it cannot be read now (busy, damaged). */
export function surveyJournal(path: string, sealer: Sealer, accountIds: string[]): JournalSurvey | null {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 1000 });
    return { owner: ownerOf(db, sealer, accountIds), unfinished: holdsWork(db) };
  } catch {
    return null;
  } finally {
    db?.close();
  }
}

/** A table's columns (none when it does not exist: journals of older versions lack some). */
function columns(db: Database.Database, table: string): Set<string> {
  return new Set((db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name));
}

function ownerOf(db: Database.Database, sealer: Sealer, accountIds: string[]): JournalSurvey['owner'] {
  for (const table of ['uploads', 'transfers']) {
    if (!columns(db, table).has('key_sealed')) continue;
    const found = db.prepare(`SELECT key_sealed AS k FROM ${table} WHERE length(key_sealed) > 0 LIMIT 1`).get() as { k: Buffer } | undefined;
    if (!found) continue;
    try {
      sealer.open(found.k);
      return 'ours';
    } catch {
      return 'foreign';
    }
  }
  if (!columns(db, 'transfers').has('account_id')) return 'unclaimed';
  const ids = accountIds.map(() => '?').join(', ');
  if (db.prepare(`SELECT 1 FROM transfers WHERE account_id IN (${ids}) LIMIT 1`).get(...accountIds)) return 'ours';
  return db.prepare('SELECT 1 FROM transfers WHERE account_id IS NOT NULL LIMIT 1').get() ? 'foreign' : 'unclaimed';
}

function holdsWork(db: Database.Database): boolean {
  if (
    columns(db, 'transfers').size > 0 &&
    db.prepare(`SELECT 1 FROM transfers WHERE is_batch = 0 AND state NOT IN ('done', 'failed', 'cancelled') LIMIT 1`).get()
  )
    return true;
  return ['uploads', 'abandoned_uploads', 'downloads'].some((t) => columns(db, t).size > 0 && db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get() !== undefined);
}

/** The journal (while `lock` is held), then the lock and its file: the order sweepers rely on. */
export function forgetJournal(path: string, lock: ProcessLock): void {
  dropJournal(path);
  lock.releaseAndRemove();
}

/** A journal with nothing left to resume goes, with SQLite's side files. */
export function dropJournal(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
}

/**
 * Makes a settled journal safe to drop: a failed upload kept its stored parts open for a retry,
 * and the journal is the only record of them. Cancels those uploads and waits for the abort sweep;
 * resolves to the uploads still open on the storage (the journal must stay when that is not 0).
 */
export async function releaseStoredParts(service: TransferService, items: TransferView[]): Promise<number> {
  for (const i of items) if (!i.isBatch && i.state === 'failed') service.cancel(i.id);
  return service.abortAbandoned();
}
