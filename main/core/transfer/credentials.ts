// Short-lived storage credentials (S3 keys or Azure SAS tokens), fetched through the
// RescaleStorage port and shared by every transfer. Refreshed ahead of expiry (so a long part
// never starts with keys about to lapse) and on demand when the storage answers 403 /
// ExpiredToken / AuthenticationFailed; concurrent callers share one request.
import { abortable } from '../../../shared/abortable';
import type { RemoteFile, RescaleStorage, StorageCredentials } from './ports';
import { aborted } from './runner';

const MAX_MARGIN_MS = 5 * 60_000;

/**
 * Credentials are cached per storage and per owner folder: a credential covers the
 * requester's own folder (`user/user_<id>`), while files under another user's folder (shared
 * job outputs) need their own (rescale-protocol.md §1.2).
 */
function cacheKey(forFile?: RemoteFile): string {
  if (!forFile) return 'default';
  const owner = forFile.pathParts.path.split('/').slice(0, 2).join('/');
  return `${forFile.storage.id}|${forFile.pathParts.container}|${owner}`;
}

interface Entry {
  creds?: StorageCredentials;
  issuedAt: number;
  pending?: Promise<StorageCredentials>;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly storage: RescaleStorage,
    private readonly now: () => number = Date.now,
  ) {}

  private fresh(e: Entry): boolean {
    if (!e.creds) return false;
    const life = e.creds.expiresAt - e.issuedAt;
    const margin = Math.min(MAX_MARGIN_MS, Math.max(0, life / 3));
    return e.creds.expiresAt - this.now() > margin;
  }

  async get(forFile?: RemoteFile, signal?: AbortSignal): Promise<StorageCredentials> {
    const key = cacheKey(forFile);
    let e = this.entries.get(key);
    if (!e) {
      e = { issuedAt: 0 };
      this.entries.set(key, e);
    }
    if (e.creds && this.fresh(e) && covers(e.creds, forFile)) return e.creds;
    let pending = e.pending;
    if (!pending) {
      const entry = e;
      pending = entry.pending = this.storage
        .credentials(forFile)
        .then((fetched) => {
          const c = withPathTokens(fetched, entry.creds, entry.issuedAt === 0 || !this.fresh(entry));
          entry.creds = c;
          entry.issuedAt = this.now();
          return c;
        })
        .finally(() => {
          entry.pending = undefined;
        });
    }
    return abortable(pending, signal, aborted);
  }

  /** Forgets every key (the account changed): the next get() of each storage fetches anew. */
  clear(): void {
    this.entries.clear();
  }

  /** Drops these credentials (the storage rejected them); the next get() fetches new ones. */
  invalidate(creds: StorageCredentials): void {
    for (const e of this.entries.values()) {
      if (e.creds && (e.creds === creds || sameCredentials(e.creds, creds))) e.creds = undefined;
    }
  }
}

function sameCredentials(a: StorageCredentials, b: StorageCredentials): boolean {
  if (a.kind === 'azure' || b.kind === 'azure') return a.kind === 'azure' && b.kind === 'azure' && a.sasToken === b.sasToken && a.endpoint === b.endpoint;
  return a.accessKeyId === b.accessKeyId && a.sessionToken === b.sessionToken;
}

/**
 * Azure may answer with per-blob SAS tokens only (files under another user's folder): cached
 * tokens then cover the blobs they name, and another blob of the same folder needs a request.
 */
function covers(c: StorageCredentials, forFile?: RemoteFile): boolean {
  if (c.kind !== 'azure' || !forFile || c.sasToken) return true;
  return `${forFile.pathParts.container}/${forFile.pathParts.path}` in c.pathSas;
}

/** Per-blob tokens fetched for one file join those still valid for others of the same folder. */
function withPathTokens(fetched: StorageCredentials, old: StorageCredentials | undefined, oldStale: boolean): StorageCredentials {
  if (fetched.kind !== 'azure' || old?.kind !== 'azure' || oldStale || fetched.sasToken) return fetched;
  return { ...fetched, pathSas: { ...old.pathSas, ...fetched.pathSas }, expiresAt: Math.min(old.expiresAt, fetched.expiresAt) };
}
