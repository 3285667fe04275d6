// "Already there": a local file with the record's size and SHA-512 is the same file, so a second
// download of it would only make a "name (1).ext" copy. Used by "Download outputs" and `sync`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

export interface Checksummed {
  decryptedSize: number;
  fileChecksums: { hashFunction: string; fileHash: string }[];
}

/** The record's SHA-512 (hex, lower case), whatever the platform calls the function ("sha512", "SHA-512"). */
export function sha512Of(f: Checksummed): string | null {
  const c = f.fileChecksums.find((x) => x.hashFunction.replace(/[-_]/g, '').toLowerCase() === 'sha512');
  return c ? c.fileHash.toLowerCase() : null;
}

/** True when `path` is a file of the record's size and SHA-512; a record without a SHA-512 is never "the same". */
export async function isIdentical(path: string, f: Checksummed): Promise<boolean> {
  const want = sha512Of(f);
  if (!want) return false;
  const st = await stat(path).catch(() => null);
  // The size first: most different files differ there, and hashing gigabytes is not free.
  if (!st?.isFile() || st.size !== f.decryptedSize) return false;
  const h = createHash('sha512');
  await pipeline(createReadStream(path), h);
  return h.digest('hex') === want;
}

/** Splits `files` into those to download and those already at `pathOf(file)`, identical. */
export async function splitIdentical<T extends Checksummed>(files: T[], pathOf: (f: T) => string): Promise<{ fresh: T[]; same: T[] }> {
  const fresh: T[] = [];
  const same: T[] = [];
  for (const f of files) ((await isIdentical(pathOf(f), f)) ? same : fresh).push(f);
  return { fresh, same };
}
