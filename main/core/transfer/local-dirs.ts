// Download folders on this machine: each created once per session (many files of a folder
// download share it), and fsync'd after renames so a placed file's name survives a power cut —
// once for many files placed together, not once per file.
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync();
  } catch {
    // some file systems refuse fsync on directories; the rename itself is still atomic
  } finally {
    await fh.close();
  }
}

/**
 * mkdir -p that tells why. Node's recursive mkdir answers ENOENT when a missing level cannot be
 * made for another reason (a read-only file system, no permission), and "not found" would send
 * the user looking for the wrong problem: on ENOENT, make the missing levels one at a time, from
 * the deepest one that exists, to get the real error.
 */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    const missing: string[] = [];
    for (let d = dir; dirname(d) !== d && !(await exists(d)); d = dirname(d)) missing.unshift(d);
    for (const level of missing) {
      await mkdir(level).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  }
}

export async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

export class LocalDirs {
  private readonly made = new Map<string, Promise<void>>();
  private readonly syncs = new Map<string, NodeJS.Timeout>();

  /** mkdir -p, once per directory (a failure is forgotten, so the next file tries again). */
  ensure(dir: string): Promise<void> {
    let p = this.made.get(dir);
    if (!p) {
      p = makeDirs(dir);
      this.made.set(dir, p);
      p.catch(() => this.made.delete(dir));
    }
    return p;
  }

  /** fsync the directory 50 ms from now, unless one is already due. */
  syncSoon(dir: string): void {
    if (this.syncs.has(dir)) return;
    const t = setTimeout(() => {
      this.syncs.delete(dir);
      void syncDir(dir);
    }, 50);
    this.syncs.set(dir, t);
  }

  /** The syncs still due, now. */
  async flush(): Promise<void> {
    for (const [dir, t] of this.syncs) {
      clearTimeout(t);
      await syncDir(dir);
    }
    this.syncs.clear();
  }
}
