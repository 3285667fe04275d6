// Small durable JSON files (templates, the catalog cache): written to a temp file, fsynced and
// renamed over the old one, so a crash leaves either the old or the new file, never half of one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { lockFile } from '../file-lock';

export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Read-modify-write under a lock file: the desktop app and a CLI run may edit at the same time. */
export async function withFileLock<T>(file: string, fn: () => T): Promise<T> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lockFile(file);
  try {
    return fn();
  } finally {
    await release();
  }
}
