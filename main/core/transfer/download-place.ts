// The local-file side of a download, apart from the run that drives it: where the temporary
// file lives, how a verified file gets its final name under the conflict policy, the checksum
// check, and how errors on the temporary file are reported under the name the user asked for.
import { existsSync, linkSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fail, toErrorInfo, TransferError } from './errors';
import { keepBothPath } from './names';
import type { RemoteFile } from './ports';
import type { ConflictPolicy } from './types';

export function tempPathFor(finalPath: string, id: string): string {
  return join(dirname(finalPath), `.courier-${id}.part`);
}

export function expectedSha(remote: RemoteFile): string | null {
  const c = remote.fileChecksums.find((x) => x.hashFunction.replace(/[-_]/g, '').toLowerCase() === 'sha512');
  return c ? c.fileHash.toLowerCase() : null;
}

export function checkSha(remote: RemoteFile, sha: string): void {
  const want = expectedSha(remote);
  if (want && want !== sha)
    throw fail('checksum_mismatch', `SHA-512 of the downloaded "${remote.name}" does not match the file record; the download was discarded`);
}

/** A local error on `path`; one the worker met on the temporary file names the file the user asked for instead. */
export function fsErr(e: unknown, path: string, tempPath?: string): TransferError {
  if (!(e instanceof TransferError)) return new TransferError(toErrorInfo(e, path));
  return tempPath && e.message.includes(tempPath) ? new TransferError({ ...e.info(), message: e.message.split(tempPath).join(path) }) : e;
}

/**
 * Puts the verified temp file in place. link() is used where the policy must not clobber:
 * it fails with EEXIST instead of replacing, so there is no check-then-rename race.
 * Synchronous on purpose: a link or rename takes ~40 µs, while each async fs call costs a
 * thread-pool round trip (~120 µs of CPU on small VMs), which dominated 2,000-file downloads.
 */
export function place(temp: string, finalPath: string, policy: ConflictPolicy, linked: (path: string) => void): { path: string; skipped: boolean } {
  if (policy === 'overwrite') {
    renameSync(temp, finalPath);
    return { path: finalPath, skipped: false };
  }
  for (let n = 0; n < 10_000; n++) {
    const candidate = n === 0 ? finalPath : keepBothPath(finalPath, n);
    try {
      try {
        linkSync(temp, candidate);
      } catch (e) {
        // Our own link from before a crash counts as placed.
        if ((e as { code?: string }).code !== 'EEXIST' || statSync(candidate).ino !== statSync(temp).ino) throw e;
      }
      linked(candidate);
      unlinkSync(temp);
      return { path: candidate, skipped: false };
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EEXIST') {
        if (policy === 'skip') {
          unlinkSync(temp);
          return { path: finalPath, skipped: true };
        }
        continue;
      }
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS' || code === 'EOPNOTSUPP') {
        // File systems without hard links (FAT, some network shares): check, then rename.
        if (existsSync(candidate)) {
          if (policy === 'skip') {
            unlinkSync(temp);
            return { path: finalPath, skipped: true };
          }
          continue;
        }
        linked(candidate);
        renameSync(temp, candidate);
        return { path: candidate, skipped: false };
      }
      throw e;
    }
  }
  throw fail('internal', `No free name for ${finalPath}`);
}

export async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
