// "Upload as one archive" in Files: each folder is packed (stage.ts) and its zip uploaded as one
// file, registered once. The local archive goes as soon as its upload is done; one whose upload
// failed stays for a retry, and is swept once no unfinished transfer reads it any more (also
// after a quit in the middle).
import { statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { TransferService, TransferView } from '../transfer/service';
import { dropStagedArchive, stageFolderArchive, type StagedArchive } from './stage';

const ENDED = new Set(['done', 'cancelled']);

async function sweepUnused(t: TransferService, root: string): Promise<void> {
  // Each archive has a folder of its own directly under root: that folder's name is what is in use.
  const inUse = new Set(
    t
      .list()
      .items.filter((i) => !ENDED.has(i.state) && i.localPath.startsWith(root + sep))
      .map((i) => i.localPath.slice(root.length + 1).split(sep)[0]),
  );
  const names = await readdir(root).catch(() => [] as string[]);
  for (const n of names) if (!inUse.has(n)) await dropStagedArchive({ dir: join(root, n) });
}

export async function uploadAsArchives(t: TransferService, root: string, paths: string[], folderId?: string): Promise<TransferView[]> {
  await sweepUnused(t, root);
  const staged: StagedArchive[] = [];
  const mapped: string[] = [];
  for (const p of paths) {
    if (!statSync(p).isDirectory()) {
      mapped.push(p);
      continue;
    }
    const a = await stageFolderArchive(root, p);
    staged.push(a);
    mapped.push(a.path);
  }
  const items = await t.enqueueUpload(mapped, folderId ? { folderId } : {});
  const ours = items.filter((i) => staged.some((a) => a.path === i.localPath));
  void t
    .whenSettled(ours.map((i) => i.id))
    .then(async (views) => {
      for (const v of views) {
        const a = staged.find((x) => x.path === v.localPath);
        if (a && v.state === 'done') await dropStagedArchive(a);
      }
    })
    .catch(() => undefined); // best effort: the next sweep removes what is left
  return items;
}
