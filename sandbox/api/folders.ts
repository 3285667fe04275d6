import type { SandboxCore } from '../core';
import type { FolderRec } from '../store/state';
import { shortId } from '../util/ids';
import { isObject, type Json } from '../util/json';
import { isoMicro } from '../util/time';
import { deleteFile, fileView } from './file-records';
import { badRequest, fieldError, json, notFound, readJson, type ApiResult } from './http';
import { paginate } from './pagination';
import type { ApiCtx, Router } from './router';

function folderView(f: FolderRec): Json {
  return { id: f.id, name: f.name, parentId: f.parentId, dateInserted: isoMicro(f.dateInserted), owner: null };
}

function findFolder(core: SandboxCore, id: string): FolderRec | undefined {
  const f = core.store.state.folders[id];
  return f && f.ownerId === core.user.id ? f : undefined;
}

/** POST /api/v3/folders/{parentId}/ {name}: a subfolder; names are unique within a parent. */
async function createFolder(core: SandboxCore, ctx: ApiCtx): Promise<ApiResult> {
  const parent = findFolder(core, ctx.params['id'] ?? '');
  if (!parent) return notFound();
  const body = await readJson(ctx.body, ctx.contentType);
  const name = isObject(body) ? body['name'] : undefined;
  if (name === undefined) throw fieldError({ name: ['This field is required.'] });
  if (typeof name !== 'string' || !name.trim()) throw fieldError({ name: ['This field may not be blank.'] });
  if (name.includes('/')) throw fieldError({ name: ['Folder names may not contain "/".'] });
  const clash = Object.values(core.store.state.folders).find((f) => f.parentId === parent.id && f.name === name);
  if (clash) throw fieldError({ name: [`A folder named '${name}' already exists in this folder.`] });
  const folder: FolderRec = { id: shortId(), name, parentId: parent.id, ownerId: core.user.id, dateInserted: Date.now() };
  core.store.state.folders[folder.id] = folder;
  await core.store.commit();
  return json(201, folderView(folder));
}

/** Permanent, recursive delete of a non-root folder. */
async function deleteFolder(core: SandboxCore, ctx: ApiCtx): Promise<ApiResult> {
  const folder = findFolder(core, ctx.params['id'] ?? '');
  if (!folder) return notFound();
  if (folder.parentId === null) throw badRequest('Root folders cannot be deleted.');
  const doomed = new Set([folder.id]);
  for (let grew = true; grew;) {
    grew = false;
    for (const f of Object.values(core.store.state.folders)) {
      if (f.parentId && doomed.has(f.parentId) && !doomed.has(f.id)) {
        doomed.add(f.id);
        grew = true;
      }
    }
  }
  for (const f of Object.values(core.store.state.files)) if (f.folderId && doomed.has(f.folderId)) await deleteFile(core, f);
  for (const id of doomed) delete core.store.state.folders[id];
  await core.store.commit();
  return { status: 204, text: '' };
}

function contents(core: SandboxCore, ctx: ApiCtx): ApiResult {
  const folder = findFolder(core, ctx.params['id'] ?? '');
  if (!folder) return notFound();
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const folders = Object.values(core.store.state.folders)
    .filter((f) => f.parentId === folder.id)
    .sort(byName)
    .map((f) => ({ type: 'folder', item: folderView(f) }) as const);
  const files = Object.values(core.store.state.files)
    .filter((f) => f.folderId === folder.id && !f.jobId)
    .map((f) => ({ name: String(f.record['name']), f }))
    .sort(byName)
    .map(({ f }) => ({ type: 'file', item: fileView(f, ctx.origin) }) as const);
  return paginate(ctx, [...folders, ...files], (e) => ({ type: e.type, item: e.item }));
}

export function folderRoutes(core: SandboxCore, r: Router): void {
  r.add('/api/v3/folders/:id/', {
    GET: (ctx) => {
      const f = findFolder(core, ctx.params['id'] ?? '');
      return f ? json(200, folderView(f)) : notFound();
    },
    POST: (ctx) => createFolder(core, ctx),
    DELETE: (ctx) => deleteFolder(core, ctx),
  });
  r.add('/api/v3/folders/:id/contents/', { GET: (ctx) => contents(core, ctx) });
}
