// The tree a folder input is packed from: every file and directory under the root, with the
// sizes and mtimes the manifest and the packer use. Symbolic links and special files are
// refused rather than followed: a link may point outside the folder (a home directory, a key
// store) and silently carry it into a job, and a FIFO would block the packer forever. The
// error names the link, so the user can replace it with the file it stands for.
import { lstat, readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CourierError } from '../../../shared/errors';

export interface TreeEntry {
  /** Path inside the folder, '/'-separated, never starting with '/'. */
  rel: string;
  abs: string;
  kind: 'file' | 'dir';
  size: number;
  mtimeMs: number;
  mode: number;
}

export interface Tree {
  root: string;
  /** Sorted by `rel` (code unit order), so the same folder always gives the same list. */
  entries: TreeEntry[];
  files: number;
  bytes: number;
}

const byRel = (a: TreeEntry, b: TreeEntry): number => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);

/**
 * The tree of a bundle of loose files: each at the top level under its own name. The caller
 * makes sure the names differ; links and special files are refused as inside a folder.
 */
export async function filesTree(paths: string[]): Promise<Tree> {
  const entries: TreeEntry[] = [];
  for (const abs of paths) {
    const st = await lstat(abs).catch(() => null);
    if (!st) throw new CourierError('local_file', `Input file ${abs} does not exist any more. Check the path.`);
    if (st.isSymbolicLink() || !st.isFile())
      throw new CourierError('local_file', `${abs} is not a regular file and cannot be packed with the other inputs: replace it with the file it stands for.`);
    entries.push({ rel: basename(abs), abs, kind: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: st.mode });
  }
  entries.sort(byRel);
  return { root: dirname(paths[0] ?? '.'), entries, files: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0) };
}

export async function walkTree(root: string): Promise<Tree> {
  const top = await lstat(root).catch(() => null);
  if (!top) throw new CourierError('local_file', `Folder not found: ${root}`);
  if (!top.isDirectory()) throw new CourierError('local_file', `${root} is not a folder.`);
  const entries: TreeEntry[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
      throw new CourierError('local_file', `Courier cannot read the folder ${dir} (${e.code ?? e.message}).`);
    });
    for (const name of names) {
      const abs = join(dir, name);
      const rel = prefix ? `${prefix}/${name}` : name;
      // A zip entry name uses '/' only; a '\\' in a name would come out as a folder on the cluster.
      if (name.includes('\\'))
        throw new CourierError('local_file', `${abs} has a backslash in its name, which a zip archive reads as a folder separator: rename it.`);
      const st = await lstat(abs);
      if (st.isSymbolicLink())
        throw new CourierError(
          'local_file',
          `${abs} is a symbolic link. Links are not packed into a job input (they could carry files from outside the folder): replace it with the file or folder it points to, or remove it.`,
        );
      if (st.isDirectory()) {
        entries.push({ rel, abs, kind: 'dir', size: 0, mtimeMs: st.mtimeMs, mode: st.mode });
        await visit(abs, rel);
      } else if (st.isFile()) {
        entries.push({ rel, abs, kind: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: st.mode });
      } else {
        throw new CourierError(
          'local_file',
          `${abs} is not a regular file (a socket, pipe or device) and cannot be packed into a job input: remove it from the folder.`,
        );
      }
    }
  };
  await visit(root, '');
  entries.sort(byRel);
  const files = entries.filter((e) => e.kind === 'file');
  return { root, entries, files: files.length, bytes: files.reduce((n, e) => n + e.size, 0) };
}
