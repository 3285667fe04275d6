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
  if (core.sas) return azureCredentials(core, body);
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

/** Requested `paths[].pathParts`, checked: each must name a blob inside the user's container. */
function requestedPaths(core: SandboxCore, body: unknown): { container: string; path: string }[] {
  const paths = isObject(body) ? body['paths'] : undefined;
  if (paths === undefined || paths === null) return [];
  if (!Array.isArray(paths)) throw fieldError({ paths: ['Expected a list of {pathParts: {container, path}}.'] });
  return paths.map((p, i) => {
    const pp = isObject(p) ? p['pathParts'] : undefined;
    if (!isObject(pp) || typeof pp['container'] !== 'string' || typeof pp['path'] !== 'string' || pp['path'] === '') {
      throw fieldError({ paths: { [i]: { pathParts: ['Expected {container, path} with a non-empty path.'] } } });
    }
    if (pp['container'] !== core.config.bucket)
      throw fieldError({ paths: { [i]: { pathParts: { container: [`Unknown storage container '${pp['container']}'.`] } } } });
    return { container: pp['container'], path: pp['path'] };
  });
}

/** Azure accounts: a container SAS for the user's storage, plus a blob SAS per requested path. */
function azureCredentials(core: SandboxCore, body: unknown) {
  const sas = core.sas!;
  const paths = requestedPaths(core, body);
  const c = sas.issue();
  return json(200, {
    storageType: 'AzureStorage',
    storageDir: core.storageDir(),
    sasToken: c.token,
    expiration: isoMicro(c.expiresAt),
    ...(paths.length ? { paths: paths.map((p) => ({ path: p.path, pathParts: p, sasToken: sas.issue(p.path).token })) } : {}),
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
