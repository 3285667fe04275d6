// A lock one process holds for as long as it lives: when the process ends in any way (exit,
// crash, kill -9), the operating system releases it, so the next process gets it at once.
//
// Why not a lock directory with a heartbeat (proper-lockfile): after a kill -9 nothing removes
// the directory, and the next process has to wait until its heartbeat counts as stale (30 s),
// telling the user "already running" about a process that no longer exists. Why not a PID
// file: the PID of a dead holder can be reused by an unrelated process, and telling them apart
// needs each platform's process start time.
//
// The lock is SQLite's own file lock (fcntl on Unix, LockFileEx on Windows), taken through
// better-sqlite3 which the journal already uses: a connection in EXCLUSIVE locking mode keeps
// the write lock it took until it closes. The kernel drops fcntl/LockFileEx locks of a process
// that ends, and SQLite also keeps two connections of one process apart.
import { lstatSync } from 'node:fs';
import Database from 'better-sqlite3';

export interface ProcessLock {
  release(): void;
}

/** Takes the lock at `path` (a small SQLite file, created if missing); null when another process (or connection) holds it. */
export function tryProcessLock(path: string): ProcessLock | null {
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error(`${path} is a symbolic link, not Courier's lock file; Courier will not follow it. Remove the link and start again.`);
  }
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = MEMORY'); // no -journal file next to it: its content does not matter
    db.exec('CREATE TABLE IF NOT EXISTS holder (one INTEGER PRIMARY KEY CHECK (one = 1), pid INTEGER NOT NULL, since INTEGER NOT NULL)');
    // A write takes the exclusive lock; in EXCLUSIVE mode it is kept after the commit.
    db.prepare('INSERT OR REPLACE INTO holder (one, pid, since) VALUES (1, ?, ?)').run(process.pid, Date.now());
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return null;
    throw e;
  }
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      db.close();
    },
  };
}
