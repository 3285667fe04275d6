import type { FaultRegistry } from './control/faults';
import type { RateLimiter } from './control/ratelimit';
import type { Stats } from './control/stats';
import { DEV_ACCOUNT } from './azure/azurite';
import type { SasIssuer } from './azure/sas';
import type { CredentialRegistry } from './s3/credentials';
import type { ObjectStore } from './s3/object-store';
import type { UploadStore } from './s3/uploads';
import type { BlobStorage, StorageType } from './storage/blobs';
import type { StateStore, UserRec } from './store/state';
import type { JsonObject } from './util/json';

export interface SandboxConfig {
  host: string;
  dataDir: string;
  region: string;
  bucket: string;
  jobSeconds: number;
  credentialTtlSeconds: number;
  faults: boolean;
  /** Reshape answers like the real platform's (api/realistic.ts). */
  realistic: boolean;
  /** Set once the S3 server listens. Sent as connectionSettings.endpoint (a sandbox-only hint the real
   *  platform never sends) so a client given only the API URL (`courier -X http://127.0.0.1:PORT`) finds S3. */
  s3Endpoint?: string;
  /** Which storage the account lives on (`storage: 'azure'` → AzureStorage). */
  storageType: StorageType;
  /** Azure mode: the blob endpoint clients use (the fault proxy), sent as the same sandbox-only `endpoint` hint. */
  azureBlobEndpoint?: string;
}

/** `user/user_<id>`: the key prefix (pathBase) of a user's files. */
export function storageDirOf(user: UserRec): string {
  return `user/user_${user.id}`;
}

/** Everything the API handlers share. */
export class SandboxCore {
  constructor(
    readonly config: SandboxConfig,
    readonly store: StateStore,
    readonly objects: ObjectStore,
    readonly uploads: UploadStore,
    readonly creds: CredentialRegistry,
    readonly faults: FaultRegistry,
    readonly stats: Stats,
    readonly limiter: RateLimiter,
    /** Storage as the API side sees it (S3 object store or Azurite). */
    readonly blobs: BlobStorage,
    /** Azure mode only: issues (and revokes) SAS tokens. */
    readonly sas: SasIssuer | null = null,
  ) {}

  get user(): UserRec {
    return this.store.state.user;
  }

  /** `user/user_<id>`: the S3 key prefix (pathBase) of the user's files. */
  storageDir(user: UserRec = this.user): string {
    return storageDirOf(user);
  }

  /** The defaultStorage object as users/me and file records show it. */
  storage(user: UserRec = this.user): JsonObject {
    const base = this.storageDir(user);
    if (this.config.storageType === 'AzureStorage') {
      return {
        id: user.storageId,
        storageType: 'AzureStorage',
        encryptionType: 'default',
        connectionSettings: {
          container: this.config.bucket,
          pathBase: base,
          pathPartsBase: '',
          storageAccount: DEV_ACCOUNT,
          accountName: DEV_ACCOUNT,
          ...(this.config.azureBlobEndpoint ? { endpoint: this.config.azureBlobEndpoint } : {}),
        },
      };
    }
    return {
      id: user.storageId,
      storageType: 'S3Storage',
      encryptionType: 'default',
      connectionSettings: {
        region: this.config.region,
        container: this.config.bucket,
        pathBase: base,
        pathPartsBase: base,
        ...(this.config.s3Endpoint ? { endpoint: this.config.s3Endpoint } : {}),
      },
    };
  }
}
