import { Readable } from 'node:stream';
import type { SandboxCore } from '../core';
import type { FileRec } from '../store/state';
import { cipherWindow, decryptWindow, encryptWhole, plainLength } from '../util/cbc';
import { shortId, hexToken } from '../util/ids';
import { isObject } from '../util/json';
import { isoMicro } from '../util/time';
import { parseRange } from '../s3/range';
import { fileView, checkFolder, TYPE_IDS } from './file-records';
import { ApiError, badRequest, detail, fieldError, json, type ApiResult } from './http';
import type { ApiCtx } from './router';

async function readBytes(core: SandboxCore, bucket: string, key: string, start: number, end: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await core.blobs.openRange(bucket, key, start, end)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** GET /api/v2/files/{id}/contents/: the server decrypts (key from the record, IV from S3 metadata). */
export async function downloadContents(core: SandboxCore, f: FileRec, rangeHeader: string | undefined): Promise<ApiResult> {
  const pp = f.record['pathParts'];
  if (!isObject(pp) || typeof pp['container'] !== 'string' || typeof pp['path'] !== 'string') throw badRequest('File has no storage location.');
  const [bucket, key] = [pp['container'], pp['path']];
  const meta = await core.blobs.stat(bucket, key);
  if (!meta) throw new ApiError(detail(404, 'File contents not found in storage.'));
  const fileKey = Buffer.from(String(f.record['encodedEncryptionKey'] ?? ''), 'base64');
  const iv = Buffer.from(meta.metadata['iv'] ?? '', 'base64');
  if (fileKey.length !== 32 || iv.length !== 16) throw badRequest('File cannot be decrypted: missing key or IV.');
  let total: number;
  try {
    const tailStart = Math.max(0, meta.size - 32);
    total = plainLength(meta.size, await readBytes(core, bucket, key, tailStart, meta.size - 1), fileKey, iv);
  } catch (err) {
    throw badRequest(`File cannot be decrypted: ${(err as Error).message}.`);
  }
  const range = parseRange(rangeHeader, total);
  const raw = String(f.record['name'] ?? 'file');
  // Header values are ASCII: an ASCII fallback plus the RFC 6266/5987 UTF-8 form for names like データ.bin.
  const name = raw.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const headers: Record<string, string | number> = {
    'content-type': 'application/octet-stream',
    'content-disposition': `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(raw)}`,
    'accept-ranges': 'bytes',
  };
  if (range === 'invalid') return { status: 416, headers: { ...headers, 'content-range': `bytes */${total}` }, text: '' };
  const start = range?.start ?? 0;
  const end = range?.end ?? total - 1;
  headers['content-length'] = Math.max(0, end - start + 1);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${total}`;
  if (total === 0) return { status: 200, headers, text: '' };
  const w = cipherWindow(start, end);
  const cipher = await core.blobs.openRange(bucket, key, w.from, w.to);
  return { status: range ? 206 : 200, headers, stream: decryptWindow(cipher, fileKey, iv, w.useFileIv, w.skip, end - start + 1) };
}

/** POST /api/v2/files/contents/ (multipart field `file`): the server encrypts and stores it. */
export async function uploadContents(core: SandboxCore, ctx: ApiCtx): Promise<ApiResult> {
  if (!/multipart\/form-data/i.test(ctx.contentType ?? '')) {
    throw new ApiError(detail(415, `Unsupported media type "${ctx.contentType ?? ''}" in request.`));
  }
  const request = new Request(`${ctx.origin}${ctx.path}`, {
    method: 'POST',
    headers: { 'content-type': ctx.contentType ?? '' },
    body: Readable.toWeb(ctx.body) as unknown as ReadableStream<Uint8Array>,
    duplex: 'half',
  } as RequestInit);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badRequest('Multipart form parse error.');
  }
  const file = form.get('file');
  if (!(file instanceof Blob)) throw fieldError({ file: ['No file was submitted.'] });
  const errors: Record<string, string[]> = {};
  const typeRaw = form.get('typeId');
  const typeId = typeof typeRaw === 'string' ? Number(typeRaw) : 1;
  if (!TYPE_IDS.includes(typeId)) errors['typeId'] = [`"${String(typeRaw)}" is not a valid choice.`];
  const folderRaw = form.get('currentFolderId');
  const folderId = checkFolder(core, typeof folderRaw === 'string' ? folderRaw : undefined, errors);
  if (Object.keys(errors).length) throw fieldError(errors);
  const name = (file as File).name || 'upload';
  const plain = Buffer.from(await file.arrayBuffer());
  const enc = encryptWhole(plain);
  const path = `${core.storageDir()}/${name.replace(/[/\\]/g, '_')}-${hexToken(16)}`;
  await core.blobs.put(core.config.bucket, path, enc.cipher, { iv: enc.iv.toString('base64') });
  const id = shortId();
  const rec: FileRec = {
    id,
    seq: core.store.nextSeq(),
    ownerId: core.user.id,
    folderId: folderId ?? core.user.myLibrary,
    record: {
      id,
      name,
      typeId,
      isUploaded: true,
      isDeleted: false,
      owner: core.user.email,
      path,
      relativePath: name,
      dateUploaded: isoMicro(Date.now()),
      decryptedSize: plain.length,
      encodedEncryptionKey: enc.key.toString('base64'),
      pathParts: { container: core.config.bucket, path },
      storage: core.storage(),
      sharedWith: [],
      viewInBrowser: false,
      fileChecksums: [{ hashFunction: 'sha512', fileHash: enc.sha512 }],
      currentFolderId: folderId ?? core.user.myLibrary,
    },
  };
  core.store.state.files[id] = rec;
  await core.store.commit();
  return json(201, fileView(rec, ctx.origin));
}
