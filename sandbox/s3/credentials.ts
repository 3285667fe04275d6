import type { CredRec, StateStore } from '../store/state';
import { randomString, secretKey, sessionAccessKeyId } from '../util/ids';

export interface ResolvedCredential {
  accessKeyId: string;
  secretAccessKey: string;
  admin: boolean;
  sessionToken?: string;
  expiresAt?: number;
  bucket?: string;
  /** Issued credentials may only touch keys under this prefix (the user's storageDir + '/'). */
  prefix?: string;
}

/** The static admin keypair plus the short-lived session keys handed out by /credentials/. */
export class CredentialRegistry {
  constructor(
    private readonly store: StateStore,
    private readonly ttlMs: number,
  ) {}

  lookup(accessKeyId: string): ResolvedCredential | undefined {
    const { admin, credentials } = this.store.state;
    if (accessKeyId === admin.accessKeyId) return { ...admin, admin: true };
    const c = credentials[accessKeyId];
    if (!c) return undefined;
    return { ...c, admin: false };
  }

  async issue(userId: string, bucket: string, storageDir: string, now = Date.now()): Promise<CredRec> {
    const creds = this.store.state.credentials;
    for (const [k, c] of Object.entries(creds)) if (c.expiresAt < now - 3_600_000) delete creds[k];
    const rec: CredRec = {
      accessKeyId: sessionAccessKeyId(),
      secretAccessKey: secretKey(),
      sessionToken: `FwoGZXIvYXdzE${randomString(300)}`,
      expiresAt: now + this.ttlMs,
      userId,
      bucket,
      prefix: `${storageDir}/`,
    };
    creds[rec.accessKeyId] = rec;
    await this.store.commit();
    return rec;
  }

  /** The fault knob: every issued session key is expired as of now. */
  async expireAll(now = Date.now()): Promise<number> {
    let n = 0;
    for (const c of Object.values(this.store.state.credentials)) {
      if (c.expiresAt > now) {
        c.expiresAt = now - 1;
        n++;
      }
    }
    await this.store.commit();
    return n;
  }
}
