import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/fsx';
import type { ObjectMeta } from './object-store';

/** A line of a bucket's manifest log: the object's manifest, or none for a delete. */
export interface MetaLine {
  k: string;
  m?: ObjectMeta;
}

/**
 * Object manifests of each bucket: one JSON line per put or delete, appended synchronously (one
 * write to an open append descriptor is much cheaper than creating a file per object). Kept
 * apart from the object store so the store deals in buckets and segments, not log files.
 */
export class MetaLogs {
  /** Open append descriptors of the meta logs (appendFileSync would open and close per object). */
  private readonly fds = new Map<string, number>();

  constructor(private readonly dir: string) {}

  path(bucket: string): string {
    return path.join(this.dir, `${bucket}.jsonl`);
  }

  /** Replays a bucket's log into its current objects; rewrites the log when dead lines dominate. */
  async load(bucket: string): Promise<Map<string, ObjectMeta>> {
    const objects = new Map<string, ObjectMeta>();
    const log = this.path(bucket);
    if (!existsSync(log)) return objects;
    let lines = 0;
    for (const text of (await readFile(log, 'utf8')).split('\n')) {
      if (!text) continue;
      lines++;
      let entry: MetaLine;
      try {
        entry = JSON.parse(text) as MetaLine;
      } catch {
        continue; // a torn last line: the write it belonged to never completed
      }
      if (entry.m) objects.set(entry.k, entry.m);
      else objects.delete(entry.k);
    }
    // Overwrites and deletes leave dead lines behind.
    if (lines > 2 * objects.size + 1000) {
      await writeFileAtomic(log, [...objects.values()].map((m) => `${JSON.stringify({ k: m.key, m })}\n`).join(''));
    }
    return objects;
  }

  append(bucket: string, line: MetaLine): void {
    let fd = this.fds.get(bucket);
    if (fd === undefined) this.fds.set(bucket, (fd = openSync(this.path(bucket), 'a')));
    writeSync(fd, `${JSON.stringify(line)}\n`);
  }

  close(bucket: string): void {
    const fd = this.fds.get(bucket);
    if (fd !== undefined) closeSync(fd);
    this.fds.delete(bucket);
  }

  closeAll(): void {
    for (const bucket of [...this.fds.keys()]) this.close(bucket);
  }
}
