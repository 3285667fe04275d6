import type { SandboxCore } from '../core';
import { isObject, type Json, type JsonObject } from '../util/json';
import { downloadContents, uploadContents } from './contents';
import { checkFolder, deleteFile, fileView, findFile, libraryFiles, registerFile, TYPE_IDS } from './file-records';
import { fieldError, json, notFound, readJson, type ApiResult } from './http';
import { paginate } from './pagination';
import type { ApiCtx, Router } from './router';

function getFile(core: SandboxCore, ctx: ApiCtx): ApiResult {
  const f = findFile(core, ctx.params['id'] ?? '');
  return f ? json(200, fileView(f, ctx.origin)) : notFound();
}

async function removeFile(core: SandboxCore, ctx: ApiCtx): Promise<ApiResult> {
  const f = findFile(core, ctx.params['id'] ?? '');
  if (!f) return notFound();
  await deleteFile(core, f);
  await core.store.commit();
  return { status: 204, text: '' };
}

/** PATCH: move (currentFolderId), rename, retype. */
async function patchFile(core: SandboxCore, ctx: ApiCtx): Promise<ApiResult> {
  const f = findFile(core, ctx.params['id'] ?? '');
  if (!f) return notFound();
  const body = await readJson(ctx.body, ctx.contentType);
  if (!isObject(body)) throw fieldError({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  const errors: Record<string, Json> = {};
  const folderId = checkFolder(core, body['currentFolderId'], errors);
  if (body['name'] !== undefined && (typeof body['name'] !== 'string' || !body['name'].trim())) errors['name'] = ['This field may not be blank.'];
  if (body['typeId'] !== undefined && !TYPE_IDS.includes(Number(body['typeId']))) errors['typeId'] = [`"${String(body['typeId'])}" is not a valid choice.`];
  if (Object.keys(errors).length) throw fieldError(errors);
  const update: JsonObject = {};
  if (folderId) {
    f.folderId = folderId;
    update['currentFolderId'] = folderId;
  }
  if (typeof body['name'] === 'string') update['name'] = body['name'];
  if (body['typeId'] !== undefined) update['typeId'] = Number(body['typeId']);
  f.record = { ...f.record, ...update };
  await core.store.commit();
  return json(200, fileView(f, ctx.origin));
}

export function fileRoutes(core: SandboxCore, r: Router): void {
  const list = (ctx: ApiCtx) => paginate(ctx, libraryFiles(core, ctx.url.searchParams.get('ordering')), (f) => fileView(f, ctx.origin));
  r.add('/api/v3/files/', {
    GET: list,
    POST: async (ctx) => {
      const rec = await registerFile(core, await readJson(ctx.body, ctx.contentType));
      await core.store.commit();
      return json(201, fileView(rec, ctx.origin));
    },
  });
  r.add('/api/v3/files/:id/', { GET: (ctx) => getFile(core, ctx), DELETE: (ctx) => removeFile(core, ctx), PATCH: (ctx) => patchFile(core, ctx) });
  r.add('/api/v2/files/', { GET: list });
  r.add('/api/v2/files/contents/', { POST: (ctx) => uploadContents(core, ctx) });
  r.add('/api/v2/files/:id/', { GET: (ctx) => getFile(core, ctx), DELETE: (ctx) => removeFile(core, ctx) });
  r.add('/api/v2/files/:id/contents/', {
    GET: (ctx) => {
      const f = findFile(core, ctx.params['id'] ?? '');
      const range = ctx.headers['range'];
      return f ? downloadContents(core, f, typeof range === 'string' ? range : undefined) : notFound();
    },
  });
}
