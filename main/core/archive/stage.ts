// A folder packed for an upload to Files as one archive ("upload as one archive"). The archive's
// place is derived from the folder's path and quick manifest key, so running the same command
// again after an interruption finds the finished archive (and the engine resumes its upload)
// instead of packing anew; a folder changed since gets a new place.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { quickKey } from './manifest';
import { packZip } from './pack';
import { walkTree } from './walk';

export interface StagedArchive {
  /** The zip to upload: `<folder name>.zip`. */
  path: string;
  /** Its own folder, removed once the upload is registered. */
  dir: string;
  files: number;
  bytes: number;
}

export async function stageFolderArchive(stagingRoot: string, folder: string): Promise<StagedArchive> {
  const name = basename(folder);
  const tree = await walkTree(folder);
  const id = createHash('sha256')
    .update(`${folder}\n${quickKey(name, tree)}`)
    .digest('hex')
    .slice(0, 20);
  const dir = join(stagingRoot, id);
  const path = join(dir, `${name}.zip`);
  if (!existsSync(path)) await packZip(tree, name, path); // written under a .part name, renamed when whole
  return { path, dir, files: tree.files, bytes: tree.bytes };
}

export async function dropStagedArchive(a: Pick<StagedArchive, 'dir'>): Promise<void> {
  await rm(a.dir, { recursive: true, force: true });
}
