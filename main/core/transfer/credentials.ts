// Short-lived S3 keys, fetched through the RescaleStorage port and shared by every transfer.
// Refreshed ahead of expiry (so a long part never starts with keys about to lapse) and on
// demand when S3 answers 403 / ExpiredToken; concurrent callers share one request.
import type { RemoteFile, RescaleStorage, S3Credentials } from './ports';
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
  creds?: S3Credentials;
  issuedAt: number;
  pending?: Promise<S3Credentials>;
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

  async get(forFile?: RemoteFile, signal?: AbortSignal): Promise<S3Credentials> {
    const key = cacheKey(forFile);
    let e = this.entries.get(key);
    if (!e) {
      e = { issuedAt: 0 };
      this.entries.set(key, e);
    }
    if (e.creds && this.fresh(e)) return e.creds;
    let pending = e.pending;
    if (!pending) {
      const entry = e;
      pending = entry.pending = this.storage
        .credentials(forFile)
        .then((c) => {
          entry.creds = c;
          entry.issuedAt = this.now();
          return c;
        })
        .finally(() => {
          entry.pending = undefined;
        });
    }
    return withSignal(pending, signal);
  }

  /** Forgets every key (the account changed): the next get() of each storage fetches anew. */
  clear(): void {
    this.entries.clear();
  }

  /** Drops these credentials (the storage rejected them); the next get() fetches new ones. */
  invalidate(creds: S3Credentials): void {
    for (const e of this.entries.values()) {
      if (e.creds === creds || (e.creds && e.creds.accessKeyId === creds.accessKeyId && e.creds.sessionToken === creds.sessionToken)) {
        e.creds = undefined;
      }
    }
  }
}

function withSignal<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
