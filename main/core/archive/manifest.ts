// What identifies a packed folder, so an identical folder launched again reuses its upload.
// Two keys:
//  - quick: relative paths + sizes + mtimes. Costs no read, so a sweep of 200 launches on one
//    dataset does not read it 200 times. Like git's index or rsync's default check, it trusts
//    that a file whose size and mtime are unchanged is unchanged.
//  - content: relative paths + sizes + the SHA-256 of every file. The truth: used when the quick
//    key is not known (a copied folder has new mtimes), and the key an upload is stored under.
// Both include the archive's top folder name and the packer's format version: the same files
// under another name, or packed another way, are another archive.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Tree } from './walk';

/** Bump when the archive's layout changes (entry names, compression): old uploads are not reused. */
export const PACK_FORMAT = 'zip-1';

function digest(name: string, lines: string[]): string {
  const h = createHash('sha256');
  h.update(`${PACK_FORMAT}\n${name}\n`);
  for (const l of lines) h.update(`${l}\n`);
  return h.digest('hex');
}

export function quickKey(name: string, tree: Tree): string {
  return digest(
    name,
    tree.entries.map((e) => `${e.kind}\t${JSON.stringify(e.rel)}\t${e.size}\t${Math.trunc(e.mtimeMs)}`),
  );
}

async function fileHash(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Reads every file once. */
export async function contentKey(name: string, tree: Tree): Promise<string> {
  const lines: string[] = [];
  for (const e of tree.entries) lines.push(`${e.kind}\t${JSON.stringify(e.rel)}\t${e.size}\t${e.kind === 'file' ? await fileHash(e.abs) : '-'}`);
  return digest(name, lines);
}
