import { closeSync, openSync, writeSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { removeQuietly } from '../util/fsx';
import { randomString } from '../util/ids';
import type { Segment } from './object-store';
import type { BlobPath } from './segment-reads';

/** A pack file is closed to new bodies at this size. */
const PACK_LIMIT = 256 << 20;

/**
 * Small bodies are appended to a shared pack file rather than each getting a file of its
 * own: creating a file costs 0.3-1 ms of CPU on a small machine, more than everything else
 * a 64 KiB PUT does. Live bodies are counted per pack; an empty, closed pack is deleted.
 */
export class PackFiles {
  private pack: { file: string; fd: number; size: number } | null = null;
  private readonly live = new Map<string, number>();

  constructor(private readonly blobPath: BlobPath) {}

  /** Counts a stored segment that lives in a pack (when the store is loaded). */
  track(seg: Segment): void {
    if (seg.offset !== undefined) this.live.set(seg.file, (this.live.get(seg.file) ?? 0) + 1);
  }

  /** Deletes the pack files in `blobDir` that no tracked segment lives in. */
  async sweep(blobDir: string): Promise<void> {
    for (const f of await readdir(blobDir)) if (f.startsWith('pack-') && !this.live.has(f)) await removeQuietly(this.blobPath(f));
  }

  /** Appends a body to the current pack file (opening a new one when full); returns where it went. */
  append(body: Buffer): Segment {
    if (!this.pack || this.pack.size + body.length > PACK_LIMIT) this.openPack();
    const pack = this.pack!;
    const offset = pack.size;
    for (let done = 0; done < body.length;) done += writeSync(pack.fd, body, done, body.length - done, offset + done);
    pack.size += body.length;
    this.live.set(pack.file, (this.live.get(pack.file) ?? 0) + 1);
    return { file: pack.file, size: body.length, offset };
  }

  /** Lets go of a packed segment; true when its pack file is now empty and closed (to be deleted). */
  release(seg: Segment): boolean {
    const live = (this.live.get(seg.file) ?? 1) - 1;
    if (live > 0) {
      this.live.set(seg.file, live);
      return false;
    }
    this.live.delete(seg.file);
    return seg.file !== this.pack?.file;
  }

  close(): void {
    if (this.pack) closeSync(this.pack.fd);
    this.pack = null;
  }

  private openPack(): void {
    const old = this.pack;
    this.pack = null;
    if (old) {
      closeSync(old.fd);
      if (!this.live.get(old.file)) void removeQuietly(this.blobPath(old.file));
    }
    const file = `pack-${randomString(20)}`;
    this.pack = { file, fd: openSync(this.blobPath(file), 'w'), size: 0 };
  }
}
