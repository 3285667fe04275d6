// What one `courier` run may reuse from the previous run of the same account: the profile
// (users/me), the root folders and the upload credentials. A second command then starts its
// transfer without a round trip to the platform. One small file per account in the data
// folder, named by a hash of the API address and of the key's fingerprint (never the key),
// sealed whole with a key derived from the API key: storage credentials are secrets, and the
// file is useless to anyone without the API key.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CourierError } from '../shared/errors';
import type { RescaleApi } from '../main/core/rescale/api';
import type { Sealer } from '../main/core/transfer';
import { writePrivateFile } from '../main/core/secrets/private-file';

/** Profile and folders change rarely; a few minutes bounds how long a change goes unseen. */
export const PROFILE_TTL_MS = 5 * 60_000;
/**
 * Credentials are reused only until this long before they expire: the engine then still
 * holds them fresh when it gets them and refreshes them ahead of expiry as usual.
 */
export const CREDENTIALS_MARGIN_MS = 5 * 60_000;

type Profile = Awaited<ReturnType<RescaleApi['me']>>;
type Folders = Awaited<ReturnType<RescaleApi['rootFolders']>>;
type Credentials = Awaited<ReturnType<RescaleApi['credentials']>>;

interface Entries {
  me?: { at: number; value: Profile };
  folders?: { at: number; value: Folders };
  /** By scope: the account's upload credentials, or a storage and owner folder (downloads). */
  credentials?: Record<string, { validUntil: number; value: Credentials }>;
}

/**
 * What a credentials request covers, as the engine's CredentialCache keys it: a credential
 * covers the owner's folder (`user/user_<id>`) of one storage, not one file.
 */
export function credentialScope(body: unknown): string | null {
  if (body === undefined) return 'upload';
  const b = body as { storage?: { id?: unknown }; paths?: { pathParts?: { container?: unknown; path?: unknown } }[] };
  const parts = b.paths?.length === 1 ? b.paths[0]?.pathParts : undefined;
  if (typeof b.storage?.id !== 'string' || typeof parts?.path !== 'string') return null;
  return `${b.storage.id}|${String(parts.container)}|${parts.path.split('/').slice(0, 2).join('/')}`;
}

export class AccountCache {
  readonly file: string;
  constructor(
    dataDir: string,
    apiUrl: string,
    keyId: string,
    private readonly sealer: Sealer,
    private readonly now: () => number = Date.now,
  ) {
    const name = createHash('sha256').update(`${apiUrl}\0${keyId}`).digest('hex').slice(0, 32);
    this.file = join(dataDir, 'cli-cache', `${name}.sealed`);
  }

  read(): Entries {
    try {
      return JSON.parse(this.sealer.open(readFileSync(this.file)).toString('utf8')) as Entries;
    } catch {
      return {}; // none yet, or unreadable (another key, a torn file): start afresh
    }
  }

  update(change: (e: Entries) => void): void {
    const entries = this.read();
    change(entries);
    try {
      // Written aside (exclusive, random name) and renamed: two commands at once never read half
      // a file, and a planted symlink is never followed.
      writePrivateFile(this.file, this.sealer.seal(Buffer.from(JSON.stringify(entries))));
    } catch {
      // A cache that cannot be written only costs the next run its round trips.
    }
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }

  fresh(entries: Entries): { me?: Profile; folders?: Folders; credentials: Map<string, Credentials> } {
    const t = this.now();
    const credentials = new Map(Object.entries(entries.credentials ?? {}).flatMap(([k, c]) => (t < c.validUntil ? [[k, c.value] as const] : [])));
    return {
      ...(entries.me && t - entries.me.at < PROFILE_TTL_MS ? { me: entries.me.value } : {}),
      ...(entries.folders && t - entries.folders.at < PROFILE_TTL_MS ? { folders: entries.folders.value } : {}),
      credentials,
    };
  }
}

const prefetchers = new WeakMap<RescaleApi, () => void>();

/**
 * Starts the calls an upload needs (profile, folders, upload credentials) now, in parallel,
 * while the command goes on opening its journal and starting its workers; the upload then
 * finds them answered or in flight. Nothing for an API without the cache.
 */
export function prefetchUpload(api: RescaleApi): void {
  prefetchers.get(api)?.();
}

/**
 * The API with users/me, the root folders and the upload credentials answered from the cache
 * while fresh, and each asked at most once at a time. Credentials come from the cache (or a
 * prefetch) at most once per process: when S3 refuses them, the engine asks again and must get
 * new ones. A 401 or 403 from any call drops the cache.
 */
export function withAccountCache(api: RescaleApi, cache: AccountCache, now: () => number = Date.now): RescaleApi {
  const disk = cache.fresh(cache.read());
  let me: Promise<Profile> | undefined = disk.me ? Promise.resolve(disk.me) : undefined;
  let folders: Promise<Folders> | undefined = disk.folders ? Promise.resolve(disk.folders) : undefined;
  /** Credentials to hand out once each, by scope: from the cache, or a prefetch. */
  const ready = new Map([...disk.credentials].map(([scope, c]) => [scope, Promise.resolve(c)]));
  // Every request (call, paginate) goes through RescaleHttp's callUrl: the one place to see a refusal.
  type Choke = { callUrl: (...a: unknown[]) => Promise<unknown> };
  const inner = (api.http as unknown as Choke).callUrl;
  const http = Object.create(api.http) as Choke;
  http.callUrl = async function (this: unknown, ...args: unknown[]) {
    try {
      return await inner.apply(this, args);
    } catch (e) {
      if (e instanceof CourierError && (e.code === 'unauthorized' || e.code === 'forbidden')) {
        cache.clear();
        [me, folders] = [undefined, undefined];
        ready.clear();
      }
      throw e;
    }
  };
  const cached = Object.create(api) as RescaleApi;
  Object.defineProperty(cached, 'http', { value: http });
  /** One request shared by every caller; a failed one is not kept. */
  const once = <T>(fetch: () => Promise<T>, store: (value: T) => void, forget: () => void): Promise<T> =>
    fetch().then(
      (value) => (store(value), value),
      (e: unknown) => {
        forget();
        throw e;
      },
    );
  cached.me = (signal) =>
    (me ??= once(
      () => api.me.call(cached, signal),
      (value) => cache.update((e) => void (e.me = { at: now(), value })),
      () => (me = undefined),
    ));
  cached.rootFolders = (signal) =>
    (folders ??= once(
      () => api.rootFolders.call(cached, signal),
      (value) => cache.update((e) => void (e.folders = { at: now(), value })),
      () => (folders = undefined),
    ));
  const fetchCredentials = async (scope: string, body: unknown, signal?: AbortSignal) => {
    const value = await api.credentials.call(cached, body, signal);
    // Without an expiry there is no telling how long they last: not kept.
    const validUntil = (value.expiration ? Date.parse(value.expiration) : NaN) - CREDENTIALS_MARGIN_MS;
    if (validUntil > now()) cache.update((e) => void ((e.credentials ??= {})[scope] = { validUntil, value }));
    return value;
  };
  cached.credentials = (body, signal) => {
    const scope = credentialScope(body);
    if (scope === null) return api.credentials.call(cached, body, signal);
    const handed = ready.get(scope);
    ready.delete(scope);
    return handed ?? fetchCredentials(scope, body, signal);
  };
  prefetchers.set(cached, () => {
    const quiet = (p: Promise<unknown>) => void p.catch(() => undefined); // the real caller sees the error
    quiet(cached.me());
    quiet(cached.rootFolders());
    if (!ready.has('upload')) {
      const p = fetchCredentials('upload', undefined);
      // A failed prefetch is forgotten: the engine's own request then tries afresh.
      p.catch(() => ready.get('upload') === p && ready.delete('upload'));
      ready.set('upload', p);
    }
  });
  return cached;
}
