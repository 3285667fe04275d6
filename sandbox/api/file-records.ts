import type { SandboxCore } from '../core';
import type { FileRec } from '../store/state';
import { shortId } from '../util/ids';
import { isObject, toJson, type Json, type JsonObject } from '../util/json';
import { isoMicro } from '../util/time';
import { fieldError, badRequest } from './http';

const REQUIRED = 'This field is required.';
export const TYPE_IDS = [1, 2, 3, 4, 5, 7, 8, 9, 10];

/** A record as the API returns it; downloadUrl follows the origin the client used. */
export function fileView(f: FileRec, origin: string): JsonObject {
  return { ...f.record, downloadUrl: `${origin}/api/v2/files/${f.id}/contents/` };
}

export function findFile(core: SandboxCore, id: string): FileRec | undefined {
  const f = core.store.state.files[id];
  return f && f.ownerId === core.user.id && f.record['isDeleted'] !== true ? f : undefined;
}

function intField(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function checkFolder(core: SandboxCore, id: unknown, errors: Record<string, Json>): string | undefined {
  if (id === undefined || id === null) return undefined;
  const folder = typeof id === 'string' ? core.store.state.folders[id] : undefined;
  if (!folder || folder.ownerId !== core.user.id) {
    errors['currentFolderId'] = [`Invalid pk "${String(id)}" - object does not exist.`];
    return undefined;
  }
  return folder.id;
}

/** Field validation of POST /api/v3/files/, in DRF's error shape. */
function validateFields(core: SandboxCore, body: JsonObject, errors: Record<string, Json>) {
  const name = body['name'];
  if (name === undefined) errors['name'] = [REQUIRED];
  else if (typeof name !== 'string') errors['name'] = ['Not a valid string.'];
  else if (name.trim() === '') errors['name'] = ['This field may not be blank.'];
  const pp = body['pathParts'];
  if (pp === undefined) errors['pathParts'] = [REQUIRED];
  else if (!isObject(pp)) errors['pathParts'] = { non_field_errors: ['Invalid data. Expected a dictionary.'] };
  else {
    const ppErr: Record<string, Json> = {};
    for (const k of ['container', 'path']) if (typeof pp[k] !== 'string' || pp[k] === '') ppErr[k] = [REQUIRED];
    if (Object.keys(ppErr).length) errors['pathParts'] = ppErr;
  }
  const size = body['decryptedSize'];
  if (size === undefined) errors['decryptedSize'] = [REQUIRED];
  else if (intField(size) === undefined) errors['decryptedSize'] = ['A valid integer is required.'];
  const key = body['encodedEncryptionKey'];
  if (key === undefined) errors['encodedEncryptionKey'] = [REQUIRED];
  else if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 32 || !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) {
    errors['encodedEncryptionKey'] = ['Expected the base64 encoding of a 32-byte AES-256 key.'];
  }
  const typeId = body['typeId'];
  if (typeId !== undefined && !TYPE_IDS.includes(Number(typeId))) errors['typeId'] = [`"${String(typeId)}" is not a valid choice.`];
  const sums = body['fileChecksums'];
  if (
    sums !== undefined &&
    (!Array.isArray(sums) || !sums.every((s) => isObject(s) && typeof s['hashFunction'] === 'string' && typeof s['fileHash'] === 'string'))
  ) {
    errors['fileChecksums'] = ['Expected a list of {hashFunction, fileHash}.'];
  }
  return checkFolder(core, body['currentFolderId'], errors);
}

/**
 * Registration after a direct upload. Stricter than the platform on purpose where a lax
 * check would hide a client bug that makes the file undecryptable (missing IV, wrong size).
 */
export async function registerFile(core: SandboxCore, body: unknown): Promise<FileRec> {
  if (!isObject(body)) throw fieldError({ non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  const errors: Record<string, Json> = {};
  const folderId = validateFields(core, body, errors);
  if (Object.keys(errors).length) throw fieldError(errors);
  const pp = body['pathParts'] as JsonObject;
  const container = pp['container'] as string;
  const path = pp['path'] as string;
  const dir = `${core.storageDir()}/`;
  if (container !== core.config.bucket) throw fieldError({ pathParts: { container: [`Unknown storage container '${container}'.`] } });
  if (!path.startsWith(dir) || path.split('/').includes('..')) {
    throw fieldError({ pathParts: { path: [`Path must be inside your storage directory '${dir}'.`] } });
  }
  const obj = await core.blobs.stat(container, path);
  const what = core.blobs.type === 'AzureStorage' ? 'blob' : 'object';
  if (!obj) throw badRequest(`No ${what} at '${path}' in storage: upload the file before registering it.`);
  if (!obj.metadata['iv']) throw badRequest(`The ${what} at '${path}' has no 'iv' metadata, so the platform could not decrypt it.`);
  const decryptedSize = intField(body['decryptedSize'])!;
  const expected = (Math.floor(decryptedSize / 16) + 1) * 16;
  if (obj.size !== expected) {
    throw fieldError({
      decryptedSize: [`A ${decryptedSize}-byte file encrypts to ${expected} bytes, but the stored ${what} has ${obj.size}.`],
    });
  }
  const id = shortId();
  const record: JsonObject = {
    ...(toJson(body) as JsonObject),
    id,
    name: body['name'] as string,
    typeId: body['typeId'] === undefined ? 1 : Number(body['typeId']),
    isUploaded: body['isUploaded'] === undefined ? true : body['isUploaded'],
    isDeleted: false,
    owner: core.user.email,
    path,
    relativePath: (body['relativePath'] as string | undefined) ?? (body['name'] as string),
    dateUploaded: isoMicro(Date.now()),
    decryptedSize,
    storage: core.storage(),
    sharedWith: [],
    viewInBrowser: false,
    fileChecksums: (body['fileChecksums'] as Json | undefined) ?? [],
    currentFolderId: folderId ?? core.user.myLibrary,
  };
  const rec: FileRec = { id, seq: core.store.nextSeq(), ownerId: core.user.id, folderId: folderId ?? core.user.myLibrary, record };
  core.store.state.files[id] = rec;
  return core.store.state.files[id]!; // the tracked view, so later changes are saved
}

/** Permanent delete: the record and the stored object. */
export async function deleteFile(core: SandboxCore, f: FileRec): Promise<void> {
  delete core.store.state.files[f.id];
  const pp = f.record['pathParts'];
  if (isObject(pp) && typeof pp['container'] === 'string' && typeof pp['path'] === 'string') {
    await core.blobs.delete(pp['container'], pp['path']);
  }
}

/** Library files (not job outputs), ordered like `?ordering=`; newest first by default. */
export function libraryFiles(core: SandboxCore, ordering: string | null): FileRec[] {
  const files = Object.values(core.store.state.files).filter((f) => !f.jobId && f.ownerId === core.user.id);
  const desc = !ordering || ordering.startsWith('-');
  const field = (ordering ?? '-dateUploaded').replace(/^-/, '');
  const key = (f: FileRec): string | number => (field === 'name' ? String(f.record['name']) : f.seq);
  return files.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const c = x < y ? -1 : x > y ? 1 : a.seq - b.seq;
    return desc ? -c : c;
  });
}
