// A small RescaleStorage over HTTP (undici), for tests and the benchmark, until the real API
// client from main/core/rescale is wired in. It speaks the same endpoints the real one will:
// users/me, folders, credentials, files; it honours 429 Retry-After like a polite client.
import { request } from 'undici';
import type {
  RegisterFileRequest,
  RemoteFile,
  RescaleStorage,
  S3Credentials,
  StorageRef,
  UploadTarget,
} from '../../main/core/transfer/ports';

type Json = Record<string, unknown>;

export interface SandboxStorageOptions {
  apiUrl: string;
  token: string;
  /** S3 endpoint the credentials are used against (the sandbox's); undefined = AWS. */
  s3Endpoint?: string;
}

export class SandboxStorage implements RescaleStorage {
  /** API calls made, by "METHOD path-pattern" — tests use it to check pipelining. */
  readonly calls = new Map<string, number>();
  private me: Promise<Json> | null = null;

  constructor(private readonly o: SandboxStorageOptions) {}

  private async call(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = path.startsWith('http') ? path : `${this.o.apiUrl.replace(/\/$/, '')}${path}`;
    const key = `${method} ${new URL(url).pathname}`;
    this.calls.set(key, (this.calls.get(key) ?? 0) + 1);
    // undici.request rather than fetch: a tenth of the CPU per call, which shows with 10,000 files.
    for (let attempt = 0; ; attempt++) {
      const res = await request(url, {
        method: method as 'GET' | 'POST',
        headers: { Authorization: `Token ${this.o.token}`, Accept: 'application/json', 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
      if ((res.statusCode === 429 || res.statusCode === 503) && attempt < 20) {
        const wait = Number(res.headers['retry-after'] ?? '1');
        await res.body.dump();
        await new Promise((r) => setTimeout(r, Math.max(0.05, Number.isFinite(wait) ? wait : 1) * 1000));
        continue;
      }
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${path} → HTTP ${res.statusCode}: ${text.slice(0, 300)}`);
      return text ? (JSON.parse(text) as unknown) : null;
    }
  }

  private profile(signal?: AbortSignal): Promise<Json> {
    if (!this.me) {
      this.me = this.call('GET', '/api/v3/users/me/', undefined, signal) as Promise<Json>;
      this.me.catch(() => (this.me = null));
    }
    return this.me;
  }

  async uploadTarget(signal?: AbortSignal): Promise<UploadTarget> {
    const me = await this.profile(signal);
    const folders = (await this.call('GET', '/api/v3/users/me/folders/', undefined, signal)) as Json;
    const storage = me.defaultStorage as StorageRef;
    const cs = storage.connectionSettings;
    return {
      storage,
      bucket: String(cs.container),
      region: String(cs.region),
      pathBase: String(cs.pathBase),
      rootFolderId: String(folders.myLibrary),
    };
  }

  async credentials(forFile?: RemoteFile, signal?: AbortSignal): Promise<S3Credentials> {
    const me = await this.profile(signal);
    const body = forFile
      ? { storage: { id: forFile.storage.id, storageType: forFile.storage.storageType }, paths: [{ pathParts: forFile.pathParts }] }
      : {};
    const c = (await this.call('POST', '/api/v3/credentials/', body, signal)) as Json;
    const expires = typeof c.expiration === 'string' ? Date.parse(c.expiration) : NaN;
    const region = String((forFile?.storage ?? (me.defaultStorage as StorageRef)).connectionSettings.region ?? 'us-east-1');
    return {
      accessKeyId: String(c.accessKey),
      secretAccessKey: String(c.secretKey),
      ...(c.sessionToken ? { sessionToken: String(c.sessionToken) } : {}),
      expiresAt: Number.isFinite(expires) ? expires : Date.now() + 15 * 60_000,
      ...(this.o.s3Endpoint ? { endpoint: this.o.s3Endpoint } : {}),
      region,
    };
  }

  async registerFile(req: RegisterFileRequest, signal?: AbortSignal): Promise<RemoteFile> {
    const rec = await this.call(
      'POST',
      '/api/v3/files/',
      {
        typeId: 1,
        name: req.name,
        currentFolderId: req.currentFolderId,
        encodedEncryptionKey: req.encodedEncryptionKey,
        pathParts: req.pathParts,
        storage: req.storage,
        isUploaded: true,
        decryptedSize: req.decryptedSize,
        fileChecksums: [{ hashFunction: 'sha512', fileHash: req.sha512Hex }],
      },
      signal,
    );
    return toRemoteFile(rec as Json);
  }

  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<{ id: string }> {
    const f = (await this.call('POST', `/api/v3/folders/${encodeURIComponent(parentId)}/`, { name }, signal)) as Json;
    return { id: String(f.id) };
  }

  async getFile(id: string, signal?: AbortSignal): Promise<RemoteFile> {
    return toRemoteFile((await this.call('GET', `/api/v3/files/${encodeURIComponent(id)}/`, undefined, signal)) as Json);
  }

  async listFolder(folderId: string, signal?: AbortSignal): Promise<{ files: RemoteFile[]; folders: { id: string; name: string }[] }> {
    const files: RemoteFile[] = [];
    const folders: { id: string; name: string }[] = [];
    let next: string | null = `/api/v3/folders/${encodeURIComponent(folderId)}/contents/?page_size=1000`;
    while (next) {
      const page = (await this.call('GET', next, undefined, signal)) as { next: string | null; results: { type: string; item: Json }[] };
      for (const r of page.results) {
        if (r.type === 'folder') folders.push({ id: String(r.item.id), name: String(r.item.name) });
        else if (r.type === 'file') files.push(toRemoteFile(r.item));
      }
      next = page.next;
    }
    return { files, folders };
  }

  /** Server-side decrypted bytes (GET /api/v2/files/{id}/contents/): proves the platform can read our upload. */
  async contents(id: string): Promise<Buffer> {
    const res = await request(`${this.o.apiUrl.replace(/\/$/, '')}/api/v2/files/${encodeURIComponent(id)}/contents/`, {
      headers: { Authorization: `Token ${this.o.token}` },
    });
    if (res.statusCode !== 200) throw new Error(`contents ${id} → HTTP ${res.statusCode}: ${await res.body.text()}`);
    return Buffer.from(await res.body.arrayBuffer());
  }
}

export function toRemoteFile(r: Json): RemoteFile {
  return {
    id: String(r.id),
    name: String(r.name),
    decryptedSize: Number(r.decryptedSize),
    encodedEncryptionKey: String(r.encodedEncryptionKey ?? ''),
    pathParts: r.pathParts as RemoteFile['pathParts'],
    storage: r.storage as StorageRef,
    fileChecksums: Array.isArray(r.fileChecksums) ? (r.fileChecksums as RemoteFile['fileChecksums']) : [],
    ...(typeof r.relativePath === 'string' ? { relativePath: r.relativePath } : {}),
    ...(typeof r.iv === 'string' ? { iv: r.iv } : {}),
  };
}
