// Packs a walked folder into one zip file, streamed: yazl reads one file at a time and writes
// the archive as it goes, so memory stays at a few buffers whatever the folder's size.
//
// Why zip (not tar.gz): a job input marked `decompress: true` is unpacked by the platform on
// the cluster before the command runs, and zip is the archive Rescale's own tooling sends that
// way (its CLI's `submit` uploads the other files as `input.zip` with `decompress: true`;
// docs/rescale-protocol.md §1.4). yazl writes ZIP64 when needed, so neither > 4 GiB files nor
// > 65,535 entries are a limit, and names are stored as UTF-8.
//
// Why on disk and not piped into the upload: the transfer engine is resumable across restarts
// by re-reading parts of a file at their offsets (a kill -9 in the middle of a 10 GiB input
// continues where it stopped). A stream could not be re-read; the archive is written next to
// the data folder, one per input, at most the folder's size (checked against free space first),
// and deleted once uploaded and registered.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { CourierError } from '../../../shared/errors';
import type { Tree } from './walk';

/** Fast deflate: most of a dataset's time is the upload, and level 1 keeps the CPU off its path. */
const LEVEL = 1;

/** Zip's own overhead per entry (headers, data descriptor, central directory), generously. */
const PER_ENTRY = 256;

/** An entry's name in the archive: under the folder's own name, or at the top level for a bundle (name ''). */
const entryName = (name: string, rel: string): string => (name ? `${name}/${rel}` : rel);

export function archiveBound(name: string, tree: Tree): number {
  const names = tree.entries.reduce((n, e) => n + 2 * Buffer.byteLength(entryName(name, e.rel)), 0);
  return tree.bytes + tree.entries.length * PER_ENTRY + names + 1024;
}

async function checkSpace(target: string, need: number): Promise<void> {
  const fs = await statfs(dirname(target)).catch(() => null);
  if (!fs) return; // a file system that cannot say: the write itself will tell
  const free = fs.bavail * fs.bsize;
  if (free < need) {
    throw new CourierError(
      'local_file',
      `Packing the folder into one archive needs up to ${need} bytes free in ${dirname(target)}, and only ${free} are free. Free some space, or move Courier's data folder.`,
    );
  }
}

/**
 * Writes `target` (through `target.part`, renamed at the end, so a crash never leaves a half
 * archive under the final name). Entries are `${name}/${rel}`: unpacked in the job's working
 * directory, the folder appears under its own name, as the command expects.
 */
export async function packZip(tree: Tree, name: string, target: string): Promise<{ bytes: number }> {
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  await checkSpace(target, archiveBound(name, tree));
  const part = `${target}.part`;
  const zip = new ZipFile();
  for (const e of tree.entries) {
    const opts = { mtime: new Date(e.mtimeMs), mode: e.mode };
    if (e.kind === 'dir') zip.addEmptyDirectory(entryName(name, e.rel), opts);
    // `size` makes yazl fail the archive when a file changed size while it was being packed.
    else
      zip.addReadStreamLazy(entryName(name, e.rel), { ...opts, compressionLevel: LEVEL, size: e.size }, (cb) =>
        cb(null, createReadStream(e.abs, { highWaterMark: 1 << 20 })),
      );
  }
  zip.end();
  const failed = new Promise<never>((_, reject) => zip.on('error', reject));
  try {
    await Promise.race([pipeline(zip.outputStream, createWriteStream(part, { mode: 0o600 })), failed]);
  } catch (e) {
    await rm(part, { force: true });
    const why = (e as Error).message;
    throw new CourierError(
      'local_file',
      `The folder ${tree.root} could not be packed (${why}). If files in it were changing, launch again once they are written.`,
      { cause: e },
    );
  }
  const { size } = await stat(part);
  await rename(part, target);
  return { bytes: size };
}
