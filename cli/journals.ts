// Where the CLI's transfer journals live, what they are called and what seals them: one place for
// the journal of a transfer command and the run journal the core's engine uses for job inputs.
// Both are sealed with a key derived from the run's API key (see Connection.sealerKey).
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TransferService, TransferView } from '../main/core/transfer';
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

/**
 * Whether the journal at `path` is the work of this key: a sealed file key in it opens with
 * `sealer` (AES-GCM authenticates, so a foreign key never does), or, when it holds nothing
 * sealed (a failed upload keeps only its multipart upload's id), its items belong to one of
 * `accountIds`. Only reads; false for a journal that cannot be read or shows neither.
 */
export function journalOf(path: string, sealer: Sealer, accountIds: string[]): boolean {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { fileMustExist: true, timeout: 1000 });
    for (const table of ['uploads', 'transfers']) {
      const found = db.prepare(`SELECT key_sealed AS k FROM ${table} WHERE length(key_sealed) > 0 LIMIT 1`).get() as { k: Buffer } | undefined;
      if (!found) continue;
      sealer.open(found.k); // throws for another key
      return true;
    }
    const ids = accountIds.map(() => '?').join(', ');
    return db.prepare(`SELECT 1 FROM transfers WHERE account_id IN (${ids}) LIMIT 1`).get(...accountIds) !== undefined;
  } catch {
    return false;
  } finally {
    db?.close();
  }
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
