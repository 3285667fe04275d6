// `courier ls [FOLDER_ID]`: a Rescale folder's sub-folders and files with their ids (default: My
// Library), so a folder made elsewhere (the web UI, a colleague's job) can be found and given to
// `download --folder` or `upload -d`. One page of the listing at a time, however large the folder.
import { formatBytes } from '../../shared/format';
import type { CliContext } from '../context';
import { clean, jsonText, type Out } from '../output';
import { authenticate } from './job-commands';

export async function listFolderCommand(ctx: CliContext, out: Out, folderId: string | undefined): Promise<void> {
  const { api } = await authenticate(ctx, out);
  const id = folderId ?? (await api.rootFolders()).myLibrary;
  const folders: { id: string; name: string }[] = [];
  const files: { id: string; name: string; size: number }[] = [];
  for await (const e of api.folderContents(id)) {
    if (e.type === 'folder') folders.push({ id: e.item.id, name: e.item.name });
    else files.push({ id: e.item.id, name: e.item.name, size: e.item.decryptedSize });
  }
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
