// `courier ls [FOLDER_ID]`: a Rescale folder's sub-folders and files with their ids (default: My
// Library), so a folder made elsewhere (the web UI, a colleague's job) can be found and given to
// `download --folder` or `upload -d`.
import { formatBytes } from '../../shared/format';
import { RescaleStorageAdapter } from '../../main/core/rescale/storage';
import type { CliContext } from '../context';
import { clean, jsonText, type Out } from '../output';
import { authenticate } from './job-commands';

export async function listFolderCommand(ctx: CliContext, out: Out, folderId: string | undefined): Promise<void> {
  const conn = await authenticate(ctx, out);
  const id = folderId ?? (await conn.api.rootFolders()).myLibrary;
  // The listing a folder download walks: files not fully uploaded, or deleted, are left out of both.
  const listing = await new RescaleStorageAdapter(conn.api, conn.platform).listFolder(id);
  const { folders } = listing;
  const files = listing.files.map((f) => ({ id: f.id, name: f.name, size: f.decryptedSize }));
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  folders.sort(byName);
  files.sort(byName);
  if (out.json) return out.result(jsonText({ folder: id, folders, files }));
  for (const f of folders) out.result(`${f.id}\t${clean(f.name)}/`);
  for (const f of files) out.result(`${f.id}\t${clean(f.name)}\t${formatBytes(f.size)}`);
  out.log(
    `${folderId ? `Rescale folder ${id}` : `My Library (${id})`}: ${folders.length} folder(s), ${files.length} file(s). \`courier download --folder ID\` downloads a folder, \`courier download ID...\` files.`,
  );
}
