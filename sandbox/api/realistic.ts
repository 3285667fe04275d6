// Realistic mode: the platform's real answers are messier than the sandbox's tidy ones. This
// module reshapes finished API results at the HTTP edge, so the sandbox's own logic stays one
// and a client is tested against both. Each rule is a shape seen on the real platform (or the
// Rescale clients that parse it); clients must accept all of them.
import { findCoreType, type CoreTypeDef } from './catalog-data';
import type { ApiResult } from './http';
import { isObject, type Json, type JsonObject } from '../util/json';

/** A software entry that comes with only its `code` (and versions): clients fall back to the code. */
export const NAMELESS_ANALYSIS = 'openfoam';
/** A core type sent without its optional description fields. */
export const SPARSE_CORE_TYPE = 'nickel';

/** Microsecond UTC timestamps with `Z`, as the sandbox writes them. */
const ISO_Z = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Status codes the platform uses where the sandbox says 200. */
const STATUS: Record<string, number> = {
  'POST /api/v3/credentials/': 201,
  'POST /api/v2/jobs/{id}/stop/': 202,
  'POST /api/v3/jobs/{id}/stop/': 202,
  'POST /api/v2/jobs/{id}/runs/{run}/snapshot/': 202,
};

/** Route pattern + method → a reshaped copy of the result (non-JSON results pass through). */
export function realisticResult(pattern: string, method: string, result: ApiResult): ApiResult {
  const route = `${method} ${pattern}`;
  const status = result.status === 200 ? (STATUS[route] ?? 200) : result.status;
  if (result.json === undefined || result.status >= 300) return { ...result, status };
  let body = walk(result.json);
  if (/^\/api\/v[23]\/users\/me\/$/.test(pattern)) body = trimMe(body);
  if (/^\/api\/v[23]\/jobs\/\{id\}\/statuses\/$/.test(pattern)) body = mapResults(body, statusEntry);
  if (/^\/api\/v[23]\/coretypes\/$/.test(pattern)) body = mapResults(body, coreTypeEntry);
  if (/^\/api\/v[23]\/analyses\/$/.test(pattern)) body = mapResults(body, analysisEntry);
  if (/^\/api\/v[23]\/analyses\/\{code\}\/$/.test(pattern)) body = analysisEntry(body);
  if (/^\/api\/v[23]\/jobs\/(\{id\}\/)?$/.test(pattern)) body = jobDetail(body); // create's echo and the detail
  if (pattern === '/api/v2/jobs/{id}/runs/{run}/directory-contents/') body = directoryListing(body);
  return { ...result, status, json: body };
}

/** Everywhere: `+00:00` instead of `Z`, sizes as strings, file records without a region, DRF pages with `next: ""` and no `previous`. */
function walk(v: Json): Json {
  if (typeof v === 'string') return ISO_Z.test(v) ? `${v.slice(0, -1)}+00:00` : v;
  if (Array.isArray(v)) return v.map(walk);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) out[k] = k === 'decryptedSize' && typeof x === 'number' ? String(x) : walk(x);
  if ('pathParts' in out && isObject(out['storage'])) out['storage'] = storageWithoutRegion(out['storage']);
  if (Array.isArray(out['results']) && 'count' in out) {
    if (out['next'] === null) out['next'] = '';
    delete out['previous'];
  }
  return out;
}

/** File records on the platform may leave `region` out of their storage (the user's default storage has it). */
function storageWithoutRegion(storage: JsonObject): JsonObject {
  const cs = storage['connectionSettings'];
  if (!isObject(cs)) return storage;
  const { region: _region, ...rest } = cs;
  return { ...storage, connectionSettings: rest };
}

function mapResults(body: Json, f: (item: Json) => Json): Json {
  if (!isObject(body) || !Array.isArray(body['results'])) return body;
  return { ...body, results: body['results'].map(f) };
}

/** users/me carries the documented fields only. */
function trimMe(body: Json): Json {
  if (!isObject(body)) return body;
  const { id: _id, firstName: _f, lastName: _l, isStaff: _s, ...rest } = body;
  const company = isObject(rest['company']) ? { code: rest['company']['code'] ?? null } : rest['company'];
  return { ...rest, ...(company !== undefined ? { company } : {}) };
}

/** Status history entries have no id/jobId, and always carry notify/preventDuplicates. */
function statusEntry(item: Json): Json {
  if (!isObject(item)) return item;
  const { id: _id, jobId: _jobId, ...rest } = item;
  return { ...rest, substatus: rest['substatus'] ?? null, notify: rest['notify'] ?? false, preventDuplicates: rest['preventDuplicates'] ?? false };
}

/** No gpuCount/gpuType/isActive on real core types; one type is sparse. */
function coreTypeEntry(item: Json): Json {
  if (!isObject(item)) return item;
  const { gpuCount: _g, gpuType: _t, isActive: _a, ...rest } = item;
  if (rest['code'] === SPARSE_CORE_TYPE) {
    delete rest['description'];
    delete rest['remoteVizAllowed'];
    delete rest['displayOrder'];
  }
  return rest;
}

function analysisEntry(item: Json): Json {
  if (!isObject(item) || item['code'] !== NAMELESS_ANALYSIS) return item;
  const { name: _n, description: _d, vendorName: _v, industries: _i, ...rest } = item;
  return rest;
}

/** The core type object real job details carry (v2 included), built from the catalogue. */
function coreTypeObject(code: string): JsonObject {
  const c: CoreTypeDef | undefined = findCoreType(code);
  if (!c) return { code };
  return { code: c.code, name: c.name, displayOrder: c.displayOrder, cores: c.cores, memory: c.memory, processorInfo: c.processorInfo };
}

function jobDetail(body: Json): Json {
  if (!isObject(body) || !Array.isArray(body['jobanalyses'])) return body;
  const jobanalyses = body['jobanalyses'].map((a) => {
    if (!isObject(a) || !isObject(a['hardware'])) return a;
    const ct = a['hardware']['coreType'];
    const code = typeof ct === 'string' ? ct : isObject(ct) && typeof ct['code'] === 'string' ? ct['code'] : null;
    return code === null ? a : { ...a, hardware: { ...a['hardware'], coreType: coreTypeObject(code) } };
  });
  return { ...body, jobanalyses };
}

/**
 * The working directory as one bare array (no pages), sizes as strings, and every directory
 * as an entry of its own (`isDirectory: true`, no size) before the files under it.
 */
function directoryListing(body: Json): Json {
  if (!Array.isArray(body)) return body;
  const out: Json[] = [];
  const dirs = new Set<string>();
  for (const f of body) {
    if (!isObject(f) || typeof f['path'] !== 'string') continue;
    const parts = f['path'].split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!dirs.has(dir)) out.push({ path: dir, isDirectory: true, size: null, lastModified: f['lastModified'] ?? null });
      dirs.add(dir);
    }
    out.push({ ...f, size: typeof f['size'] === 'number' ? String(f['size']) : (f['size'] ?? null) });
  }
  return out;
}
