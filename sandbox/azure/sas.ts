import type * as AzureBlob from '@azure/storage-blob';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from './azurite';

export interface IssuedSas {
  /** The query string, without a leading `?`. */
  token: string;
  expiresAt: number;
}

/**
 * Issues real service SAS tokens signed with the dev account key, so Azurite itself checks
 * signature, permissions and expiry. The proxy in front of Azurite also refuses tokens revoked
 * by the "expire credentials now" control, which Azure cannot do to a SAS by itself.
 */
export class SasIssuer {
  /** sig → expiry (ms) of every token handed out and not yet revoked. */
  private live = new Map<string, number>();
  private revoked = new Set<string>();
  private lastExpiry = 0;
  private readonly cred: AzureBlob.StorageSharedKeyCredential;

  constructor(
    private readonly lib: typeof AzureBlob,
    private readonly container: string,
    private readonly ttlMs: number,
  ) {
    this.cred = new lib.StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
  }

  /** A container SAS (read, add, create, write, delete, list) or, with `blobName`, a blob SAS. */
  issue(blobName?: string, now = Date.now()): IssuedSas {
    const { generateBlobSASQueryParameters, ContainerSASPermissions, BlobSASPermissions, SASProtocol } = this.lib;
    // SAS times have whole seconds, so two tokens issued within a second would be identical
    // (same signature) and revoking one would revoke the other: each expiry is a second later.
    const expiresAt = Math.max(Math.floor((now + this.ttlMs) / 1000) * 1000, this.lastExpiry + 1000);
    this.lastExpiry = expiresAt;
    const params = generateBlobSASQueryParameters(
      {
        containerName: this.container,
        ...(blobName !== undefined ? { blobName, permissions: BlobSASPermissions.parse('racwd') } : { permissions: ContainerSASPermissions.parse('racwdl') }),
        // A start a little in the past tolerates client clocks behind ours, as the platform's do.
        startsOn: new Date(now - 5 * 60_000),
        expiresOn: new Date(expiresAt),
        protocol: SASProtocol.HttpsAndHttp,
      },
      this.cred,
    );
    for (const [sig, exp] of this.live) if (exp < now - 3_600_000) this.live.delete(sig);
    this.live.set(params.signature, expiresAt);
    return { token: params.toString(), expiresAt };
  }

  /** The fault knob: every token issued so far is refused from now on. Returns how many were live. */
  revokeAll(now = Date.now()): number {
    let n = 0;
    for (const [sig, exp] of this.live) {
      if (exp > now) n++;
      this.revoked.add(sig);
    }
    this.live.clear();
    return n;
  }

  isRevoked(sig: string): boolean {
    return this.revoked.has(sig);
  }
}
