import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { RunningSandbox } from '../../../sandbox/index';
import { apiClient, encryptParts, type Encrypted, type Obj } from './helpers';

/** Blob REST version sent by the raw requests below (Azurite runs with --skipApiVersionCheck anyway). */
export const X_MS_VERSION = '2021-12-02';

export interface AzureCreds {
  storageType: string;
  storageDir: string;
  sasToken: string;
  expiration: string;
  paths?: { path: string; pathParts: { container: string; path: string }; sasToken: string }[];
}

export async function azureCreds(sb: RunningSandbox, paths?: string[]): Promise<AzureCreds> {
  const body = paths ? { paths: paths.map((p) => ({ pathParts: { container: sb.bucket, path: p } })) } : undefined;
  const res = await apiClient(sb).post('/api/v3/credentials/', body);
  if (res.status !== 200 && res.status !== 201) throw new Error(`credentials: ${res.status} ${res.text}`);
  return res.json as unknown as AzureCreds;
}

/** `<endpoint>/<container>/<blob path, each segment escaped>` */
export function blobUrl(sb: RunningSandbox, blobPath: string): string {
  return `${sb.azureBlobEndpoint!}/${sb.bucket}/${blobPath.split('/').map(encodeURIComponent).join('/')}`;
}

export const blockId = (i: number) => Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64');

export async function putBlock(url: string, sas: string, id: string, body: Buffer): Promise<Response> {
  return fetch(`${url}?comp=block&blockid=${encodeURIComponent(id)}&${sas}`, { method: 'PUT', body, headers: { 'x-ms-version': X_MS_VERSION } });
}

export async function putBlockList(url: string, sas: string, ids: string[], meta: Record<string, string>): Promise<Response> {
  const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((i) => `<Latest>${i}</Latest>`).join('')}</BlockList>`;
  const headers: Record<string, string> = { 'x-ms-version': X_MS_VERSION, 'content-type': 'application/xml' };
  for (const [k, v] of Object.entries(meta)) headers[`x-ms-meta-${k}`] = v;
  return fetch(`${url}?comp=blocklist&${sas}`, { method: 'PUT', body: xml, headers });
}

/** Encrypts like Courier (one CBC chain), stages one block per part, commits with the `iv` metadata, registers. */
export async function azureUploadAndRegister(
  sb: RunningSandbox,
  name: string,
  plain: Buffer,
  partSize = 1 << 20,
): Promise<{ record: Obj; enc: Encrypted; blobPath: string; ids: string[] }> {
  const c = await azureCreds(sb);
  const enc = encryptParts(plain, partSize);
  const blobPath = `${c.storageDir}/${name}-${randomBytes(11).toString('hex')}`;
  const url = blobUrl(sb, blobPath);
  const ids = enc.parts.map((_, i) => blockId(i));
  for (const [i, part] of enc.parts.entries()) {
    const r = await putBlock(url, c.sasToken, ids[i]!, part);
    if (r.status !== 201) throw new Error(`Put Block ${i}: ${r.status} ${await r.text()}`);
  }
  const r = await putBlockList(url, c.sasToken, ids, { iv: enc.iv.toString('base64') });
  if (r.status !== 201) throw new Error(`Put Block List: ${r.status} ${await r.text()}`);
  const res = await apiClient(sb).post('/api/v3/files/', {
    typeId: 1,
    name,
    encodedEncryptionKey: enc.key.toString('base64'),
    pathParts: { container: sb.bucket, path: blobPath },
    storage: { id: 'ignored', storageType: 'AzureStorage', encryptionType: 'default', connectionSettings: {} },
    isUploaded: true,
    decryptedSize: plain.length,
    fileChecksums: [{ hashFunction: 'sha512', fileHash: enc.sha512 }],
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${res.text}`);
  return { record: res.json, enc, blobPath, ids };
}

/** Reads a blob with a SAS (Get Blob), then decrypts it with the openssl CLI using its `iv` metadata. */
export async function opensslDecryptBlob(sb: RunningSandbox, blobPath: string, keyB64: string): Promise<Buffer> {
  const c = await azureCreds(sb);
  const res = await fetch(`${blobUrl(sb, blobPath)}?${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION } });
  if (res.status !== 200) throw new Error(`Get Blob: ${res.status} ${await res.text()}`);
  const ivB64 = res.headers.get('x-ms-meta-iv');
  if (!ivB64) throw new Error('the blob has no iv metadata');
  const cipher = Buffer.from(await res.arrayBuffer());
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-az-openssl-'));
  try {
    const [inFile, outFile] = [path.join(dir, 'in.enc'), path.join(dir, 'out')];
    writeFileSync(inFile, cipher);
    execFileSync('openssl', [
      'enc',
      '-d',
      '-aes-256-cbc',
      '-K',
      Buffer.from(keyB64, 'base64').toString('hex'),
      '-iv',
      Buffer.from(ivB64, 'base64').toString('hex'),
      '-in',
      inFile,
      '-out',
      outFile,
    ]);
    return readFileSync(outFile);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** True when nothing listens at the URL's host:port any more. */
export function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}
