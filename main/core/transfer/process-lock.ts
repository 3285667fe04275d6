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
//
// Removing a lock file (releaseAndRemove) must not let two processes hold "the" lock: one that
// opened the file before it was unlinked could take its lock after the release, while a third
// makes a new file at the path and locks that. So the file is unlinked while still held (Unix;
// Windows refuses to delete a file SQLite holds open, and any process having it open makes the
// later delete fail, so there it goes after the release), and a lock taken is kept only when the
// path still names the locked file (same device and inode as a descriptor opened before SQLite's,
// which keeps that inode number from being reused meanwhile).
import { closeSync, constants, fstatSync, lstatSync, openSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';

export interface ProcessLock {
  release(): void;
  /**
   * Releases the lock and deletes its file (nobody can be holding it). Never throws: a file
   * another process still has open on Windows stays, a stray lock for a later clean-up.
   */
  releaseAndRemove(): void;
}

/** Lock files this process holds: a second attempt is refused before it opens the file (see LockAttempt). */
const held = new Set<string>();
/** Attempts when the file was replaced under us: each means another process removed it just then. */
const ATTEMPTS = 5;

/** Takes the lock at `path` (a small SQLite file, created if missing); null when another process (or connection) holds it. */
export function tryProcessLock(path: string): ProcessLock | null {
  for (let i = 0; i < ATTEMPTS; i++) {
    const lock = openLockAttempt(path)?.take() ?? 'busy';
    if (lock === 'busy') return null;
    if (lock !== 'stale') return lock;
  }
  return null; // removed and made again each time: others are busy with it
}

/**
 * The lock file at `path` opened, not locked yet (null when this process holds it already).
 * Exported for the test of a removal between the open and the lock.
 */
export function openLockAttempt(path: string): LockAttempt | null {
  const key = resolve(path);
  if (held.has(key)) return null;
  if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error(`${path} is a symbolic link, not Courier's lock file; Courier will not follow it. Remove the link and start again.`);
  }
  return new LockAttempt(key);
}

export class LockAttempt {
  /**
   * Pins the inode SQLite is about to open. Closed only after SQLite's connection: closing any
   * descriptor of a file drops this process's fcntl locks on it (POSIX), which is also why a
   * file this process holds is never opened again (`held`).
   */
  private readonly fd: number;
  private readonly db: Database.Database;

  constructor(private readonly path: string) {
    this.fd = openSync(path, constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0), 0o600);
    try {
      this.db = new Database(path, { timeout: 0 });
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }

  /** The lock; 'busy' when another process holds it; 'stale' when the path no longer names this file. */
  take(): ProcessLock | 'busy' | 'stale' {
    const { db } = this;
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = MEMORY'); // no -journal file next to it: its content does not matter
      db.exec('CREATE TABLE IF NOT EXISTS holder (one INTEGER PRIMARY KEY CHECK (one = 1), pid INTEGER NOT NULL, since INTEGER NOT NULL)');
      // A write takes the exclusive lock; in EXCLUSIVE mode it is kept after the commit.
      db.prepare('INSERT OR REPLACE INTO holder (one, pid, since) VALUES (1, ?, ?)').run(process.pid, Date.now());
    } catch (e) {
      this.close();
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) return 'busy';
      throw e;
    }
    if (!this.stillLinked()) {
      this.close();
      return 'stale';
    }
    held.add(this.path);
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      held.delete(this.path);
      this.close();
    };
    return {
      release,
      releaseAndRemove: () => {
        if (!holding) return;
        if (process.platform === 'win32') {
          release();
          removeFile(this.path);
        } else {
          removeFile(this.path);
          release();
        }
      },
    };
  }

  private stillLinked(): boolean {
    const now = statSync(this.path, { bigint: true, throwIfNoEntry: false });
    const mine = fstatSync(this.fd, { bigint: true });
    return now !== undefined && now.ino === mine.ino && now.dev === mine.dev;
  }

  private close(): void {
    this.db.close();
    closeSync(this.fd);
  }
}

/** Never fails the caller: a file still open elsewhere (EBUSY/EPERM on Windows) stays. */
function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // a stray lock file: whoever sweeps such files takes it later
  }
}
