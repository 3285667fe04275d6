// One way to open Courier's SQLite files (the transfer journal, jobs.db): private from the first
// byte (0600, and -wal/-shm too), never through a planted symlink, in WAL mode with a busy timeout
// so the app and a CLI run on one data folder take turns instead of failing.
import { chmodSync, closeSync, constants, existsSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A symlink where the database or its -wal/-shm should be would make SQLite (and our chmod) act
 * on whatever it points to: refuse with a message saying which file to remove.
 */
export function refuseSymlinks(path: string, what: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`]) {
    let link = false;
    try {
      link = lstatSync(p).isSymbolicLink();
    } catch {
      // not there yet
    }
    if (link) throw new Error(`${p} is a symbolic link, not Courier's ${what}; Courier will not follow it. Remove the link and start again.`);
  }
}

export interface PrivateSqliteOptions {
  /** Named in errors: "transfer journal", "jobs database". */
  what: string;
  /** Also close the folder holding the file to its owner (0700) when it exists already. */
  closeFolder?: boolean;
  /** Overwrite deleted content with zeros (the journal held sealed keys). */
  secureDelete?: boolean;
}

export function openPrivateSqlite(path: string, o: PrivateSqliteOptions): Database.Database {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  else if (o.closeFolder) chmodSync(dir, 0o700);
  refuseSymlinks(path, o.what);
  // Created here so it is 0600 from its first byte; SQLite gives -wal/-shm the same mode.
  // O_NOFOLLOW: a symlink planted after the check above still fails instead of being followed.
  closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600));
  chmodSync(path, 0o600);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  if (o.secureDelete) db.pragma('secure_delete = ON');
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  return db;
}
