import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `file` with `data`, readable by this user only, all at once. The temporary file has
 * a random name and is created with O_EXCL ('wx'): a file or symlink planted at a name we would
 * write to (the old fixed `<file>.tmp`) makes the open fail instead of being followed, so a link
 * to another file can never make us overwrite that file with secrets. rename() then replaces
 * `file` itself, even if it is a symlink, without following it.
 */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
