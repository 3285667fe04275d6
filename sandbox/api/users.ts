import type { SandboxCore } from '../core';
import { isObject, type Json } from '../util/json';
import { isoMicro } from '../util/time';
import { fieldError, json, readJson } from './http';
import type { ApiCtx, Router } from './router';

function me(core: SandboxCore): Json {
  const u = core.user;
  return {
    id: u.id,
    email: u.email,
    fullName: u.fullName,
    firstName: u.fullName.split(' ')[0] ?? '',
    lastName: u.fullName.split(' ').slice(1).join(' '),
    company: { code: u.companyCode, name: 'Sandbox Inc.' },
    workspace: { id: u.workspaceId, name: 'Sandbox Workspace' },
    defaultStorage: core.storage(u),
    isStaff: false,
  };
}

/** POST /credentials/: short-lived S3 keys scoped to the user's storageDir. */
async function credentials(core: SandboxCore, ctx: ApiCtx) {
  const body = await readJson(ctx.body, ctx.contentType);
  const u = core.user;
  if (isObject(body) && body['storage'] !== undefined) {
    const storage = body['storage'];
    if (!isObject(storage) || storage['id'] !== u.storageId) {
      throw fieldError({ storage: [`Invalid pk "${isObject(storage) ? String(storage['id']) : ''}" - object does not exist.`] });
    }
  }
  const c = await core.creds.issue(u.id, core.config.bucket, core.storageDir(u));
  return json(200, {
    storageType: 'S3Storage',
    storageDir: core.storageDir(u),
    accessKey: c.accessKeyId,
    secretKey: c.secretAccessKey,
    sessionToken: c.sessionToken,
    expiration: isoMicro(c.expiresAt),
  });
}

export function userRoutes(core: SandboxCore, r: Router): void {
  r.add('/api/v3/users/me/', { GET: () => json(200, me(core)) });
  r.add('/api/v2/users/me/', { GET: () => json(200, me(core)) });
  r.add('/api/v3/users/me/folders/', {
    GET: () => json(200, { myJobs: core.user.myJobs, myLibrary: core.user.myLibrary }),
  });
  r.add('/api/v3/credentials/', { POST: (ctx) => credentials(core, ctx) });
}
