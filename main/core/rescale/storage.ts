import { CourierError } from '../../../shared/errors';
import type { ResolvedPlatform } from '../platforms';
import type {
  AzureCredentials,
  FolderListing,
  RegisterFileRequest,
  RemoteFile,
  RescaleStorage,
  StorageCredentials,
  StorageRef,
  UploadTarget,
} from '../transfer/ports';
import type { RescaleApi } from './api';
import type { FileRecord, StorageCredentials as CredentialsModel, StorageRefModel } from './models';
import { azureEndpointFor, isAzure } from './storage-azure';

/** When the platform sends no expiry (S3 today), assume its documented ~15 minutes. */
const ASSUMED_TTL_MS = 15 * 60_000;
const PROFILE_TTL_MS = 5 * 60_000;

function toStorageRef(s: StorageRefModel): StorageRef {
  return { id: s.id, storageType: s.storageType, ...(s.encryptionType ? { encryptionType: s.encryptionType } : {}), connectionSettings: s.connectionSettings };
}

export function toRemoteFile(f: FileRecord): RemoteFile {
  if (!f.pathParts || !f.storage)
    throw new CourierError('server_error', `File ${f.name} (${f.id}) has no storage location in its record, so it cannot be downloaded directly.`);
  return {
    id: f.id,
    name: f.name,
    decryptedSize: f.decryptedSize,
    encodedEncryptionKey: f.encodedEncryptionKey,
    pathParts: { container: f.pathParts.container, path: f.pathParts.path },
    storage: toStorageRef(f.storage),
    fileChecksums: f.fileChecksums.map((c) => ({ hashFunction: c.hashFunction, fileHash: c.fileHash })),
    ...(f.relativePath ? { relativePath: f.relativePath } : {}),
    ...(f.iv ? { iv: f.iv } : {}),
  };
}

/** S3 endpoint for a region: the platform's custom one (sandbox), AWS FIPS on ITAR hosts, else AWS default. */
export function s3EndpointFor(platform: ResolvedPlatform, region: string, storageSettings: Record<string, string | undefined> = {}): string | undefined {
  if (platform.s3Endpoint) return platform.s3Endpoint;
  // A loopback platform (a sandbox given by URL, e.g. `courier -X http://127.0.0.1:PORT`) may name its S3 endpoint.
  const host = new URL(platform.apiUrl).hostname;
  if ((host === '127.0.0.1' || host === 'localhost') && storageSettings.endpoint) return storageSettings.endpoint;
  if (platform.fips) return `https://s3-fips.${region}.amazonaws.com`;
  return undefined;
}

/**
 * The transfer engine's view of Rescale for one account: the upload target (cached for a few
 * minutes), short-lived S3 credentials (fetched on every call; the engine's CredentialCache
 * shares and refreshes them), file registration and folders.
 */
export class RescaleStorageAdapter implements RescaleStorage {
  private target: { at: number; value: UploadTarget } | null = null;
  private defaults: { at: number; value: Record<string, string | undefined> } | null = null;

  constructor(
    private readonly api: RescaleApi,
    private readonly platform: ResolvedPlatform,
    private readonly now: () => number = Date.now,
  ) {}

  async uploadTarget(signal?: AbortSignal): Promise<UploadTarget> {
    if (this.target && this.now() - this.target.at < PROFILE_TTL_MS) return this.target.value;
    const [me, folders] = await Promise.all([this.api.me(signal), this.api.rootFolders(signal)]);
    const storage = me.defaultStorage;
    if (!storage) throw new CourierError('server_error', 'Your Rescale account has no default storage, so files cannot be uploaded. Contact Rescale support.');
    if (storage.storageType !== 'S3Storage' && !isAzure(storage)) {
      throw new CourierError(
        'unavailable',
        `Your account stores files on ${storage.storageType}; Courier can use S3 and Azure storage. Use Rescale's web upload for this account.`,
      );
    }
    const cs = storage.connectionSettings;
    const bucket = cs.container;
    // Azure has no region: the account name (connection settings) locates the blob service.
    const region = isAzure(storage) ? '' : cs.region;
    if (!bucket || region === undefined)
      throw new CourierError('server_error', `Your default storage has no ${bucket ? 'region' : 'bucket (container)'} in its settings.`);
    const value: UploadTarget = {
      storage: toStorageRef(storage),
      bucket,
      region,
      pathBase: (cs.pathBase ?? '').replace(/\/+$/, ''),
      rootFolderId: folders.myLibrary,
    };
    this.target = { at: this.now(), value };
    return value;
  }

  /** Drops the cached upload target (signing out, a platform change). */
  invalidate(): void {
    this.target = null;
    this.defaults = null;
  }

  /** The connection settings of users/me's default storage (cached like the upload target). */
  private async defaultSettings(signal?: AbortSignal): Promise<Record<string, string | undefined>> {
    if (this.defaults && this.now() - this.defaults.at < PROFILE_TTL_MS) return this.defaults.value;
    const value = (await this.api.me(signal)).defaultStorage?.connectionSettings ?? {};
    this.defaults = { at: this.now(), value };
    return value;
  }

  /**
   * Where a file's object lives. Real file records may leave `region` (and the sandbox's endpoint
   * hint) out of their storage: the user's default storage fills the gaps. When the file sits on
   * another storage that guess can be wrong, and S3's region error names the right one, which the
   * worker follows (s3-direct.ts); with no region anywhere, us-east-1 is the first guess, as the
   * AWS SDKs make it.
   */
  private async fileSettings(file: RemoteFile, signal?: AbortSignal): Promise<{ region: string; settings: Record<string, string | undefined> }> {
    const own = Object.fromEntries(Object.entries(file.storage.connectionSettings).filter(([, v]) => v));
    if (own['region']) return { region: own['region'], settings: own };
    const settings = { ...(await this.defaultSettings(signal)), ...own };
    return { region: settings['region'] || 'us-east-1', settings };
  }

  /**
   * Always a new request, as the port promises: the transfer engine's CredentialCache shares
   * one request among callers and refreshes early. A second cache here once handed the engine
   * the very keys S3 had just refused (ExpiredToken), failing the transfer it meant to save.
   */
  async credentials(forFile?: RemoteFile, signal?: AbortSignal): Promise<StorageCredentials> {
    return this.fetchCredentials(forFile, signal);
  }

  private async fetchCredentials(forFile: RemoteFile | undefined, signal?: AbortSignal): Promise<StorageCredentials> {
    const issuedAt = this.now();
    const target = forFile ? null : await this.uploadTarget(signal);
    const body = forFile
      ? { storage: { id: forFile.storage.id, storageType: forFile.storage.storageType }, paths: [{ pathParts: forFile.pathParts }] }
      : undefined;
    const c = await this.api.credentials(body, signal);
    // The storage record says which back end; the answer must match it.
    if (isAzure(forFile?.storage ?? target!.storage)) return this.azureCredentials(c, forFile, issuedAt, signal);
    if (!c.accessKey || !c.secretKey) throw new CourierError('server_error', 'Rescale returned storage credentials without keys.');
    const { region, settings } = forFile ? await this.fileSettings(forFile, signal) : { region: target!.region, settings: target!.storage.connectionSettings };
    const endpoint = s3EndpointFor(this.platform, region, settings);
    const exp = c.expiration ? Date.parse(c.expiration) : NaN;
    return {
      accessKeyId: c.accessKey,
      secretAccessKey: c.secretKey,
      ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}),
      expiresAt: Number.isNaN(exp) ? issuedAt + ASSUMED_TTL_MS : exp,
      ...(endpoint ? { endpoint } : {}),
      region,
    };
  }

  private async azureCredentials(c: CredentialsModel, forFile: RemoteFile | undefined, issuedAt: number, signal?: AbortSignal): Promise<AzureCredentials> {
    const pathSas: Record<string, string> = {};
    for (const p of c.paths) if (p.pathParts && p.sasToken) pathSas[`${p.pathParts.container}/${p.pathParts.path}`] = p.sasToken;
    if (!c.sasToken && Object.keys(pathSas).length === 0)
      throw new CourierError('server_error', 'Rescale returned Azure storage credentials without a SAS token.');
    const settings = forFile ? (await this.fileSettings(forFile, signal)).settings : (await this.uploadTarget(signal)).storage.connectionSettings;
    const exp = c.expiration ? Date.parse(c.expiration) : NaN;
    return {
      kind: 'azure',
      endpoint: azureEndpointFor(this.platform, settings),
      sasToken: c.sasToken ?? '',
      pathSas,
      expiresAt: Number.isNaN(exp) ? issuedAt + ASSUMED_TTL_MS : exp,
    };
  }

  async registerFile(req: RegisterFileRequest, signal?: AbortSignal): Promise<{ id: string }> {
    const rec = await this.api.registerFile(
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
    return { id: rec.id };
  }

  registrationPace(): number | null {
    return this.api.http.pace('POST', '/api/v3/files/');
  }

  async createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<{ id: string }> {
    const f = await this.api.createFolder(parentId, name, signal);
    return { id: f.id };
  }

  async getFile(id: string, signal?: AbortSignal): Promise<RemoteFile> {
    return toRemoteFile(await this.api.getFile(id, signal));
  }

  async listFolder(folderId: string, signal?: AbortSignal): Promise<FolderListing> {
    const all: FolderListing = { files: [], folders: [] };
    for await (const page of this.listFolderPages(folderId, signal)) {
      all.files.push(...page.files);
      all.folders.push(...page.folders);
    }
    return all;
  }

  async *listFolderPages(folderId: string, signal?: AbortSignal): AsyncGenerator<FolderListing> {
    for await (const entries of this.api.folderContentPages(folderId, signal)) {
      const page: FolderListing = { files: [], folders: [] };
      for (const entry of entries) {
        if (entry.type === 'folder') page.folders.push({ id: entry.item.id, name: entry.item.name });
        else if (entry.item.isUploaded !== false && !entry.item.isDeleted) page.files.push(toRemoteFile(entry.item));
      }
      yield page;
    }
  }
}
