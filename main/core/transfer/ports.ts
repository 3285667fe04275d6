// What the transfer engine needs from the outside world. main/core/rescale implements
// RescaleStorage against the real API; tests use the same implementation against the sandbox.

export interface StorageRef {
  id: string;
  storageType: string; // "S3Storage" or "AzureStorage": picks the storage back end (worker/backend.ts)
  encryptionType?: string;
  connectionSettings: Record<string, string | undefined>; // region, container, pathBase, ...
}

/** Where new uploads go: the user's default storage (from GET /api/v3/users/me/). */
export interface UploadTarget {
  storage: StorageRef;
  bucket: string;
  region: string;
  pathBase: string; // object keys are `${pathBase}/${name}-${random}`
  rootFolderId: string; // myLibrary
}

/** Short-lived S3 session keys from POST /api/v3/credentials/. */
export interface S3Credentials {
  kind?: 's3';
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiresAt: number; // epoch ms; when the platform sends none, issued + 15 min
  /** Custom endpoint (the sandbox, or a custom S3); undefined = AWS for `region`. */
  endpoint?: string;
  region: string;
}

/** SAS tokens from POST /api/v3/credentials/ on an Azure storage (no request signing). */
export interface AzureCredentials {
  kind: 'azure';
  /** The blob service, account included: `https://<account>.blob.core.windows.net`, or the sandbox's loopback one (path-style). */
  endpoint: string;
  /** The container SAS (a query string without `?`); empty when the platform gave only per-blob tokens. */
  sasToken: string;
  /** Per-blob SAS by `<container>/<path>`; wins over the container SAS. */
  pathSas: Record<string, string>;
  expiresAt: number; // epoch ms
}

export type StorageCredentials = S3Credentials | AzureCredentials;

export interface FileChecksum {
  hashFunction: string;
  fileHash: string;
}

/** A Rescale file record, as much of it as transfers need. */
export interface RemoteFile {
  id: string;
  name: string;
  decryptedSize: number;
  encodedEncryptionKey: string;
  pathParts: { container: string; path: string };
  storage: StorageRef;
  fileChecksums: FileChecksum[];
  relativePath?: string;
  iv?: string;
}

export interface RegisterFileRequest {
  name: string;
  currentFolderId: string;
  encodedEncryptionKey: string;
  pathParts: { container: string; path: string };
  storage: StorageRef;
  decryptedSize: number;
  sha512Hex: string;
}

/** Files (fully uploaded, not deleted) and subfolders of a Rescale folder, or of one page of its listing. */
export interface FolderListing {
  files: RemoteFile[];
  folders: { id: string; name: string }[];
}

export interface RescaleStorage {
  uploadTarget(signal?: AbortSignal): Promise<UploadTarget>;
  /** Fresh credentials; `forFile` asks for a specific file's storage (job outputs may live elsewhere). */
  credentials(forFile?: RemoteFile, signal?: AbortSignal): Promise<StorageCredentials>;
  /** The new record's id (the rest of the record is what the request said). */
  registerFile(req: RegisterFileRequest, signal?: AbortSignal): Promise<{ id: string }>;
  createFolder(parentId: string, name: string, signal?: AbortSignal): Promise<{ id: string }>;
  getFile(id: string, signal?: AbortSignal): Promise<RemoteFile>;
  /** Files and subfolders of a folder, all pages. */
  listFolder(folderId: string, signal?: AbortSignal): Promise<FolderListing>;
  /** The same, a page at a time as the platform sends them. */
  listFolderPages(folderId: string, signal?: AbortSignal): AsyncIterable<FolderListing>;
  /** Registrations a second the API client lets through (its rate limiter's budget); null or absent: unlimited or unknown. */
  registrationPace?(): number | null;
}
