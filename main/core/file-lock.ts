// One way to take a cross-process file lock (proper-lockfile), shared by the API rate limiter,
// the jobs files and the encrypted key file.
import lockfile from 'proper-lockfile';

/** A holder that stops refreshing its lock for this long (killed, crashed) has lost it. */
const STALE_MS = 10_000;

/**
 * Takes the lock on `file` and returns its release. A process killed while holding the lock
 * leaves it behind until it turns stale, so waiting must outlast STALE_MS (about 20 s of retries
 * here): with a shorter budget the next run failed with "Lock file is already being held" right
 * after a kill -9 instead of taking over.
 */
export function lockFile(file: string): Promise<() => Promise<void>> {
  return lockfile.lock(file, { realpath: false, stale: STALE_MS, retries: { retries: 400, minTimeout: 5, maxTimeout: 50, factor: 1.5 } });
}
