import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import type { RunningSandbox } from '../../../sandbox/index';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type Obj = Record<string, JsonValue>;

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Obj;
}

/** A tiny API client: absolute or relative paths, Token auth, JSON in and out. */
export function apiClient(sb: RunningSandbox, token = sb.token) {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const url = path.startsWith('http') ? path : `${sb.apiUrl}${path}`;
    const res = await fetch(url, {
      method,
      headers: { ...(token ? { authorization: `Token ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: Obj;
    try {
      json = text ? (JSON.parse(text) as Obj) : {};
    } catch {
      json = {};
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    get: (p: string, h?: Record<string, string>) => call('GET', p, undefined, h),
    post: (p: string, b?: unknown) => call('POST', p, b),
    patch: (p: string, b?: unknown) => call('PATCH', p, b),
    del: (p: string) => call('DELETE', p),
    call,
  };
}

export interface IssuedCreds {
  accessKey: string;
  secretKey: string;
  sessionToken: string;
  storageDir: string;
  expiration: string;
}

export async function issueCreds(sb: RunningSandbox): Promise<IssuedCreds> {
  const res = await apiClient(sb).post('/api/v3/credentials/');
  if (res.status !== 200 && res.status !== 201) throw new Error(`credentials: ${res.status} ${res.text}`); // 201 in realistic mode
  return res.json as unknown as IssuedCreds;
}

export function s3Client(sb: RunningSandbox, c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }): S3Client {
  return new S3Client({
    endpoint: sb.s3Endpoint,
    region: sb.region,
    forcePathStyle: true,
    credentials: c,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

export function sessionClient(sb: RunningSandbox, c: IssuedCreds): S3Client {
  return s3Client(sb, { accessKeyId: c.accessKey, secretAccessKey: c.secretKey, sessionToken: c.sessionToken });
}

export interface Encrypted {
  key: Buffer;
  iv: Buffer;
  parts: Buffer[];
  sha512: string;
}

/** Rescale's format: one AES-256-CBC chain over the whole file, padding only at the end. */
export function encryptParts(plain: Buffer, partSize: number): Encrypted {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', key, iv);
  const parts: Buffer[] = [];
  for (let off = 0; off + partSize < plain.length; off += partSize) parts.push(c.update(plain.subarray(off, off + partSize)));
  const tailStart = parts.length * partSize;
  parts.push(Buffer.concat([c.update(plain.subarray(tailStart)), c.final()]));
  return { key, iv, parts, sha512: createHash('sha512').update(plain).digest('hex') };
}

/** Uploads like the desktop client does (multipart when more than one part) and registers the file. */
export async function uploadAndRegister(
  sb: RunningSandbox,
  name: string,
  plain: Buffer,
  opts: { partSize?: number; multipart?: boolean; creds?: IssuedCreds; folderId?: string } = {},
): Promise<{ record: Obj; enc: Encrypted; objectKey: string }> {
  const creds = opts.creds ?? (await issueCreds(sb));
  const s3 = sessionClient(sb, creds);
  const enc = encryptParts(plain, opts.partSize ?? 5 << 20);
  const objectKey = `${creds.storageDir}/${name}-${randomBytes(11).toString('hex')}`;
  const Metadata = { iv: enc.iv.toString('base64') };
  if (opts.multipart || enc.parts.length > 1) {
    const mpu = await s3.send(new CreateMultipartUploadCommand({ Bucket: sb.bucket, Key: objectKey, Metadata }));
    const etags: string[] = [];
    for (const [i, body] of enc.parts.entries()) {
      const r = await s3.send(new UploadPartCommand({ Bucket: sb.bucket, Key: objectKey, UploadId: mpu.UploadId, PartNumber: i + 1, Body: body }));
      etags.push(r.ETag ?? '');
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: sb.bucket,
        Key: objectKey,
        UploadId: mpu.UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } else {
    await s3.send(new PutObjectCommand({ Bucket: sb.bucket, Key: objectKey, Body: enc.parts[0], Metadata }));
  }
  s3.destroy();
  const res = await apiClient(sb).post('/api/v3/files/', {
    typeId: 1,
    name,
    currentFolderId: opts.folderId ?? null,
    encodedEncryptionKey: enc.key.toString('base64'),
    pathParts: { container: sb.bucket, path: objectKey },
    storage: { id: 'ignored', storageType: 'S3Storage', encryptionType: 'default', connectionSettings: {} },
    isUploaded: true,
    decryptedSize: plain.length,
    fileChecksums: [{ hashFunction: 'sha512', fileHash: enc.sha512 }],
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${res.text}`);
  return { record: res.json, enc, objectKey };
}

/** Polls `probe` until it returns a value, failing after `timeoutMs`. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function toolAvailable(path: string): boolean {
  return existsSync(path) && spawnSync(path, ['--version'], { stdio: 'ignore' }).status === 0;
}

export function listResults(res: ApiResponse): Obj[] {
  return (res.json['results'] ?? []) as Obj[];
}
