// Many loose local files given to one launch travel as one archive, as a folder does: each would
// otherwise be its own registration (POST /api/v3/files/), and the platform allows about two of
// those a second for all of v3. The archive holds the files at its top level and the platform
// unpacks it in the job's working directory, so the command finds each file under its own name
// ({input} and {inputs} were filled from those names before the files were bundled).
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { bundlesLooseFiles } from '../../../shared/jobs';
import type { LaunchItem } from './payload';

type Local = Extract<LaunchItem, { kind: 'local' }>;

/**
 * The launch's inputs with its loose local files replaced, where the first of them stood, by one
 * bundle. Files that share a name (from different folders) cannot sit side by side at the top of
 * one archive: such a launch keeps one upload per file, as it does with a file named like the archive.
 */
export async function bundleLooseFiles(items: LaunchItem[]): Promise<LaunchItem[]> {
  const loose = items.filter((i): i is Local => i.kind === 'local');
  if (!bundlesLooseFiles(loose.map((i) => basename(i.path)))) return items;
  let bytes = 0;
  for (const i of loose) bytes += (await stat(i.path)).size;
  const first = loose[0] as Local;
  const bundle: LaunchItem = {
    kind: 'folder',
    path: dirname(first.path),
    name: `${loose.length} input files`,
    files: loose.length,
    bytes,
    members: loose.map((i) => i.path),
  };
  return items.flatMap((it) => (it.kind !== 'local' ? [it] : it === first ? [bundle] : []));
}

/** The same bundle: the same files in the same order. */
export const sameMembers = (a: string[] | undefined, b: string[] | undefined): boolean => (a ?? []).join('\0') === (b ?? []).join('\0');
