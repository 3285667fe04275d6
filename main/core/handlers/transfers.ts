import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CourierHandlers } from '../../../shared/contract';
import { CourierError } from '../../../shared/errors';
import type { CoreServices } from '../courier';
import { defaultDownloadsRoot } from '../jobs/outputs';
import { checkSegment, safeJoin } from '../transfer/names';
import { uploadAsArchives } from '../archive/upload';
import type { CallContext } from '../rpc/router';

type Handlers = Pick<CourierHandlers<CallContext>, 'transfers'>;

/** <download folder>, or ~/Downloads/Courier when the setting is empty (one rule for jobs and files). */
export function downloadRoot(s: CoreServices): string {
  return defaultDownloadsRoot(s.settings.get().downloads.folder);
}

export function stagingDir(dataDir: string, batchId: string): string {
  return join(dataDir, 'staging', batchId);
}

export function transferHandlers(s: CoreServices): Handlers {
  const ok = { ok: true };
  return {
    transfers: {
      async list() {
        const t = await s.transfers();
        const { seq, items } = t.list();
        return { seq, items, overall: overallOf(items) };
      },
      async upload({ paths, folderId, asArchive }) {
        const missing = paths.find((p) => !existsSync(p));
        if (missing) throw new CourierError('local_file', `${missing} does not exist (or cannot be seen by Courier).`, { field: 'paths' });
        const t = await s.transfers();
        if (asArchive)
          return {
            items: await uploadAsArchives(
              t,
              join(s.ports.dataDir, 'staging', 'upload-archives'),
              paths.map((p) => resolve(p)),
              folderId,
            ),
          };
        return {
          items: await t.enqueueUpload(
            paths.map((p) => resolve(p)),
            folderId ? { folderId } : {},
          ),
        };
      },
      async uploadStaged({ batchId, folderId }) {
        const dir = stagingDir(s.ports.dataDir, batchId);
        if (!existsSync(dir)) throw new CourierError('not_found', 'Those dropped files are no longer staged; drop them again.');
        const t = await s.transfers();
        const top = readdirSync(dir).map((n) => join(dir, n));
        const items = await t.enqueueUpload(top, folderId ? { folderId } : {});
        // The staged copies are only a vehicle: drop them once every item has settled.
        void t.whenSettled(items.map((i) => i.id)).then(() => rmSync(dir, { recursive: true, force: true }));
        return { items };
      },
      async download({ fileIds, dir, conflict }) {
        const t = await s.transfers();
        const target = resolve(dir ?? downloadRoot(s));
        return { items: await t.enqueueDownload(fileIds, target, { conflict: conflict ?? s.settings.get().downloads.conflict }), dir: target };
      },
      async downloadFolder({ folderId, name, dir, conflict }) {
        const target = folderTarget(resolve(dir ?? downloadRoot(s)), name);
        const t = await s.transfers();
        // Answered once the folder's batch exists; its files join it in the Transfers view as they are listed.
        const batch = await t.beginDownloadFolder(folderId, target, { name, conflict: conflict ?? s.settings.get().downloads.conflict });
        return { items: batch ? [batch] : [], dir: target };
      },
      async pause({ id }) {
        (await s.transfers()).pause(id);
        return ok;
      },
      async resume({ id }) {
        (await s.transfers()).resume(id);
        return ok;
      },
      async cancel({ id }) {
        (await s.transfers()).cancel(id);
        return ok;
      },
      async retry({ id }) {
        (await s.transfers()).retry(id);
        return ok;
      },
      browseLocal: async ({ dir }) => browseLocal(resolve(dir ?? homedir())),
    },
  };
}

function overallOf(items: { state: string; size: number; bytesDone: number; bytesPerSecond: number; isBatch?: boolean }[]) {
  let bytesDone = 0;
  let bytesTotal = 0;
  let bytesPerSecond = 0;
  let active = 0;
  for (const i of items) {
    if (i.isBatch || i.state === 'cancelled') continue;
    bytesTotal += i.size;
    bytesDone += Math.min(i.bytesDone, i.size);
    if (i.state === 'running' || i.state === 'verifying') {
      active++;
      bytesPerSecond += i.bytesPerSecond;
    }
  }
  return { bytesDone, bytesTotal, bytesPerSecond, etaSeconds: bytesPerSecond > 0 ? Math.ceil((bytesTotal - bytesDone) / bytesPerSecond) : null, active };
}

/** A local folder's visible entries, folders first (the web host's file picker). */
function browseLocal(at: string) {
  let names: string[];
  try {
    names = readdirSync(at);
  } catch (e) {
    throw new CourierError('local_file', `Cannot open ${at} (${(e as NodeJS.ErrnoException).code ?? 'error'}).`, { field: 'dir' });
  }
  const entries = names
    .filter((n) => !n.startsWith('.'))
    .flatMap((name) => {
      try {
        const st = statSync(join(at, name));
        return [{ name, path: join(at, name), isDir: st.isDirectory(), size: st.isFile() ? st.size : 0 }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.name.localeCompare(b.name));
  return { dir: at, parent: dirname(at) === at ? null : dirname(at), entries };
}

/** The folder keeps its name on disk: folder1/a.bin lands as <download folder>/folder1/a.bin. */
function folderTarget(root: string, name: string): string {
  try {
    checkSegment(name);
  } catch (e) {
    throw new CourierError(
      'invalid_input',
      `The folder name cannot be used on this computer: ${(e as Error).message}. Rename the folder on Rescale, then download it again.`,
      { field: 'name' },
    );
  }
  return safeJoin(root, [name]);
}
