import type { CourierHandlers } from '../../../shared/contract';
import type { RemoteEntry } from '../../../shared/contract/files';
import { CourierError } from '../../../shared/errors';
import type { CoreServices } from '../courier';
import type { FileRecord } from '../rescale/models';
import { parseRescaleDate } from '../rescale/models';
import type { CallContext } from '../rpc/router';

type Handlers = Pick<CourierHandlers<CallContext>, 'files'>;

const fileEntry = (f: FileRecord): RemoteEntry => ({
  type: 'file',
  id: f.id,
  name: f.name,
  size: f.decryptedSize,
  uploadedAt: parseRescaleDate(f.dateUploaded),
});

export function fileHandlers(s: CoreServices): Handlers {
  return {
    files: {
      async browse({ folderId }) {
        const { api } = await s.accounts.session();
        const id = folderId ?? (await api.rootFolders()).myLibrary;
        const folders: RemoteEntry[] = [];
        const files: RemoteEntry[] = [];
        for await (const e of api.folderContents(id)) {
          if (e.type === 'folder') folders.push({ type: 'folder', id: e.item.id, name: e.item.name });
          else if (e.item.isUploaded !== false && !e.item.isDeleted) files.push(fileEntry(e.item));
        }
        const byName = (a: RemoteEntry, b: RemoteEntry) => a.name.localeCompare(b.name);
        return { folderId: id, entries: [...folders.sort(byName), ...files.sort(byName)] };
      },
      async recent({ page, pageSize }) {
        const { api } = await s.accounts.session();
        const r = await api.listFilesPage(page, pageSize);
        return { count: r.count, page, hasNext: r.hasNext, entries: r.items.map(fileEntry) };
      },
      async delete({ ids }) {
        const { api } = await s.accounts.session();
        const deleted: string[] = [];
        const failed: { id: string; message: string }[] = [];
        for (const id of ids) {
          try {
            await api.deleteFile(id);
            deleted.push(id);
          } catch (e) {
            failed.push({ id, message: e instanceof CourierError ? e.message : String(e) });
          }
        }
        if (deleted.length)
          s.activity.say('info', 'transfers', { key: deleted.length === 1 ? 'fileDeleted' : 'filesDeleted', params: { count: String(deleted.length) } });
        return { deleted, failed };
      },
    },
  };
}
