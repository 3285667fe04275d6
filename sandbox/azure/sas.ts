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
  /** Signatures of the container tokens handed out (they may reach only `prefix`). */
  private containerSigs = new Map<string, number>();
  private revoked = new Set<string>();
  /** How many times revokeAll ran: shifts later tokens' start so none equals a revoked one. */
  private epoch = 0;
  private readonly cred: AzureBlob.StorageSharedKeyCredential;

  constructor(
    private readonly lib: typeof AzureBlob,
    private readonly container: string,
    private readonly ttlMs: number,
    /** The user's storageDir + '/': container tokens are honoured only below it (see the proxy). */
    readonly prefix: string,
  ) {
    this.cred = new lib.StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
  }

  /** A container SAS (read, add, create, write, delete, list) or, with `blobName`, a blob SAS. */
  issue(blobName?: string, now = Date.now()): IssuedSas {
    const { generateBlobSASQueryParameters, ContainerSASPermissions, BlobSASPermissions, SASProtocol } = this.lib;
    const expiresAt = Math.floor((now + this.ttlMs) / 1000) * 1000; // SAS times have whole seconds
    // So a token issued in the same second as a revoked one would be that very token (same
    // signature): each revocation moves later starts one more second back. The start lies 5 min
    // in the past to tolerate client clocks behind ours.
    const startsAt = Math.floor((now - 5 * 60_000) / 1000) * 1000 - this.epoch * 1000;
    const params = generateBlobSASQueryParameters(
      {
        containerName: this.container,
        ...(blobName !== undefined ? { blobName, permissions: BlobSASPermissions.parse('racwd') } : { permissions: ContainerSASPermissions.parse('racwdl') }),
        startsOn: new Date(startsAt),
        expiresOn: new Date(expiresAt),
        protocol: SASProtocol.HttpsAndHttp,
      },
      this.cred,
    );
    for (const m of [this.live, this.containerSigs]) for (const [sig, exp] of m) if (exp < now - 3_600_000) m.delete(sig);
    this.live.set(params.signature, expiresAt);
    if (blobName === undefined) this.containerSigs.set(params.signature, expiresAt);
    return { token: params.toString(), expiresAt };
  }

  /** The fault knob: every token issued so far is refused from now on. Returns how many were live. */
  revokeAll(now = Date.now()): number {
    this.epoch += 1;
    let n = 0;
    for (const [sig, exp] of this.live) {
      if (exp > now) n++;
      this.revoked.add(sig);
    }
    this.live.clear();
    return n;
  }

  /** True for a container token this sandbox issued (per-blob tokens are scoped by Azure itself). */
  isContainerToken(sig: string): boolean {
    return this.containerSigs.has(sig);
  }

  isRevoked(sig: string): boolean {
    return this.revoked.has(sig);
  }
}
