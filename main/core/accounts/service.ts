import { KeyMissingError } from './key-missing';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { CourierError } from '../../../shared/errors';
import type { AccountRecord, Settings } from '../../../shared/settings';
import type { ActivityLog } from '../activity/log';
import { createDispatcher, proxyFor, type NetworkOptions } from '../net/dispatcher';
import type { Connectivity } from '../net/connectivity';
import { resolvePlatform, type PlatformRef, type ResolvedPlatform } from '../platforms';
import { RescaleApi } from '../rescale/api';
import { SharedRateLimiter } from '../rescale/rate-limiter';
import { defaultBudgets, type Scope, type ScopeBudget } from '../rescale/scopes';
import { forgetSecret } from '../secrets/redact';
import type { SecretStore } from '../secrets/store';
import type { SettingsService } from '../settings/service';

export interface AccountView {
  id: string;
  label: string;
  platformLabel: string;
  apiUrl: string;
  email: string;
  workspace?: string;
  active: boolean;
  sandbox?: boolean;
}

/** A live connection to one account: its API client and the platform it is on. */
export interface Session {
  account: AccountRecord;
  platform: ResolvedPlatform;
  api: RescaleApi;
}

const keyName = (id: string) => `account:${id}`;

/**
 * Accounts (profiles): add = validate the key with users/me, then store the key in the
 * keychain and the rest in settings. Switching, renaming, removing; removing deletes the key
 * and tells every cache (credentials, catalog) to forget the account.
 */
export class AccountService {
  private readonly sessions = new Map<string, Session>();
  /** One pool per platform URL, with the proxy it goes through (for error messages) and the options it was made with. */
  private readonly dispatchers = new Map<string, { dispatcher: Dispatcher; via: string | null; options: string }>();
  /** The pool each cached session's client was made with. */
  private readonly routes = new WeakMap<Session, Dispatcher>();
  /** Pools replaced by a new OS proxy answer, closed after a grace period (or at close). */
  private readonly retired = new Set<Dispatcher>();
  /** Bumped when the network settings change: a pool made from older options is not kept. */
  private generation = 0;
  private readonly forgetHooks = new Set<(accountId: string) => void>();
  /** A key given for one run (CLI -p / RESCALE_API_KEY): used as the active account, never stored. */
  private ephemeral: Session | null = null;

  constructor(
    private readonly deps: {
      settings: SettingsService;
      secrets: SecretStore;
      dataDir: string;
      activity: ActivityLog;
      connectivity: Connectivity;
      userAgent: string;
      /** How to reach `target` (the proxy password lives in the keychain too; "system" may be the OS's answer for it). */
      network: (target: string) => Promise<NetworkOptions>;
      /** The shell asks the OS for "system" (its answer can change while we run); otherwise it is fixed by the settings. */
      followsOsProxy?: boolean;
      /** Budgets in place of the platform's defaults (a sandbox given other limits). */
      budgets?: Partial<Record<Scope, ScopeBudget>>;
      /** The local sandbox's current URLs (its ports change between launches). */
      sandbox?: () => Promise<{ apiUrl: string; s3Endpoint: string; azureBlobEndpoint?: string | null }>;
    },
  ) {
    let network = JSON.stringify(deps.settings.get().network);
    deps.settings.onChange((s) => {
      const next = JSON.stringify(s.network);
      if (next !== network) this.dropConnections();
      network = next;
    });
  }

  /** Services with per-account caches register here to be told when an account is signed out. */
  onForget(hook: (accountId: string) => void): () => void {
    this.forgetHooks.add(hook);
    return () => this.forgetHooks.delete(hook);
  }

  list(): AccountView[] {
    const s = this.deps.settings.get();
    return s.accounts.map((a) => toView(a, s));
  }

  private record(id: string): AccountRecord {
    const a = this.deps.settings.get().accounts.find((x) => x.id === id);
    if (!a) throw new CourierError('not_found', 'That account no longer exists. Pick another one in Settings → Accounts.');
    return a;
  }

  private async dispatcherFor(apiUrl: string): Promise<{ dispatcher: Dispatcher; via: string | null }> {
    const generation = this.generation;
    const net = await this.deps.network(apiUrl);
    if (generation !== this.generation) return this.dispatcherFor(apiUrl); // settings changed meanwhile
    const options = createHash('sha256').update(JSON.stringify(net)).digest('hex'); // no proxy password kept in clear
    let d = this.dispatchers.get(apiUrl);
    if (!d || d.options !== options) {
      // A new answer from the OS proxy (VPN up or down) gets a new pool; the old one may be
      // mid-request for a client made with it, so it closes a little later.
      if (d) this.retire(d.dispatcher);
      d = { dispatcher: createDispatcher(net), via: proxyFor(net, apiUrl), options };
      this.dispatchers.set(apiUrl, d);
    }
    return { dispatcher: d.dispatcher, via: d.via };
  }

  private retire(old: Dispatcher): void {
    this.retired.add(old);
    setTimeout(() => {
      this.retired.delete(old);
      void old.close().catch(() => undefined); // close() lets requests in flight finish
    }, 60_000).unref();
  }

  /** An API client for a key that may not be stored (sign-in checks, CLI -p / RESCALE_API_KEY). */
  async clientFor(platform: ResolvedPlatform, apiKey: string, opts: { maxAttempts?: number } = {}): Promise<RescaleApi> {
    return (await this.connect(platform, apiKey, opts)).api;
  }

  private async connect(platform: ResolvedPlatform, apiKey: string, opts: { maxAttempts?: number } = {}): Promise<{ api: RescaleApi; dispatcher: Dispatcher }> {
    const partition = `${platform.apiUrl}|${createKeyFingerprint(apiKey)}`;
    const route = await this.dispatcherFor(platform.apiUrl);
    const api = new RescaleApi({
      baseUrl: platform.apiUrl,
      apiKey,
      ...route,
      limiter: new SharedRateLimiter(join(this.deps.dataDir, 'limits'), partition, { ...defaultBudgets, ...this.deps.budgets }),
      connectivity: this.deps.connectivity,
      userAgent: this.deps.userAgent,
      // Records of a list the platform got wrong are left out; the activity log says so, once.
      onSkipped: (message) => this.deps.activity.warn('app', message),
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    });
    return { api, dispatcher: route.dispatcher };
  }

  async add(input: { platform: PlatformRef; apiKey: string; label?: string }): Promise<AccountView> {
    const apiKey = checkKeyShape(input.apiKey);
    const platform = await this.currentPlatform(input.platform);
    const me = await this.whoIs(platform, apiKey);
    const sameWhere = (a: AccountRecord) =>
      a.platform.kind === 'sandbox' ? input.platform.kind === 'sandbox' : resolvePlatform(a.platform).apiUrl === platform.apiUrl;
    const existing = this.deps.settings.get().accounts.find((a) => a.email === me.email && sameWhere(a));
    const id = existing?.id ?? randomUUID();
    await this.deps.secrets.set(keyName(id), apiKey);
    const record: AccountRecord = {
      id,
      label: input.label?.trim() || existing?.label || `${me.email} (${new URL(platform.apiUrl).host})`,
      platform: input.platform,
      email: me.email,
      ...(me.workspace?.name ? { workspace: me.workspace.name } : {}),
      addedAt: existing?.addedAt ?? Date.now(),
    };
    this.sessions.delete(id);
    const s = this.deps.settings.mutate((cur) => ({
      ...cur,
      accounts: [...cur.accounts.filter((a) => a.id !== id), record],
      activeAccountId: cur.activeAccountId ?? id,
    }));
    this.deps.activity.say(
      'info',
      'accounts',
      input.platform.kind === 'sandbox'
        ? { key: 'signedInSandbox', params: { email: me.email } }
        : { key: 'signedIn', params: { email: me.email, platform: platform.label } },
    );
    return toView(record, s);
  }

  /** Whether the key store has no key for the account (a memory-only store forgets at exit). */
  async keyMissing(id: string): Promise<boolean> {
    return !(await this.deps.secrets.get(keyName(id)).catch(() => null));
  }

  /**
   * Stores the key of an account the key store has lost, after checking it on the platform:
   * a key of another user is refused, so the account's jobs and outbox stay with their owner.
   */
  async restoreKey(id: string, rawKey: string): Promise<AccountView> {
    const account = this.record(id);
    const apiKey = checkKeyShape(rawKey);
    const platform = await this.currentPlatform(account.platform);
    const me = await this.whoIs(platform, apiKey);
    if (account.email && me.email !== account.email) {
      throw new CourierError(
        'invalid_input',
        `This key belongs to ${me.email}, not ${account.email}. Paste the key of ${account.email}, or add ${me.email} as another account.`,
        { field: 'apiKey', text: { key: 'keyOfOtherUser', params: { email: me.email, expected: account.email } } },
      );
    }
    await this.deps.secrets.set(keyName(id), apiKey);
    this.sessions.delete(id);
    this.deps.activity.say('info', 'accounts', { key: 'keyEntered', params: { label: account.label } });
    return toView(account, this.deps.settings.get());
  }

  /** users/me with a fresh key, errors worded for the person at the sign-in form. */
  private async whoIs(platform: ResolvedPlatform, apiKey: string) {
    // A person is waiting on sign-in: answer "unreachable" in seconds, not after a minute of retries.
    const api = await this.clientFor(platform, apiKey, { maxAttempts: 2 });
    try {
      return await api.me();
    } catch (e) {
      if (e instanceof CourierError && e.code === 'unauthorized') {
        throw new CourierError(
          'unauthorized',
          `${new URL(platform.apiUrl).host} did not accept this API key. Check that it is current and that you chose the platform your account is on.`,
          { field: 'apiKey', text: { key: 'keyRejected', params: { host: new URL(platform.apiUrl).host } } },
        );
      }
      if (e instanceof CourierError && (e.code === 'not_found' || e.code === 'server_error')) {
        throw new CourierError('invalid_input', `${platform.apiUrl} did not answer like a Rescale platform (${e.message}). Check the platform address.`, {
          field: 'platform',
          text: { key: 'notAPlatform', params: { url: platform.apiUrl } },
        });
      }
      throw e;
    }
  }

  use(id: string): AccountView {
    const record = this.record(id);
    const s = this.deps.settings.mutate((cur) => ({ ...cur, activeAccountId: id }));
    this.deps.activity.say('info', 'accounts', { key: 'switched', params: { label: record.label } });
    return toView(record, s);
  }

  rename(id: string, label: string): AccountView {
    this.record(id);
    const clean = label.trim();
    if (!clean) throw new CourierError('invalid_input', 'An account name cannot be empty.', { field: 'label' });
    const s = this.deps.settings.mutate((cur) => ({ ...cur, accounts: cur.accounts.map((a) => (a.id === id ? { ...a, label: clean } : a)) }));
    return toView(this.record(id), s);
  }

  async remove(id: string): Promise<void> {
    const record = this.record(id);
    const key = await this.deps.secrets.get(keyName(id)).catch(() => null);
    await this.deps.secrets.delete(keyName(id));
    if (key) forgetSecret(key);
    this.sessions.delete(id);
    for (const hook of this.forgetHooks) hook(id);
    this.deps.settings.mutate((cur) => {
      const accounts = cur.accounts.filter((a) => a.id !== id);
      return { ...cur, accounts, activeAccountId: cur.activeAccountId === id ? (accounts[0]?.id ?? null) : cur.activeAccountId };
    });
    this.deps.activity.say('info', 'accounts', { key: 'signedOut', params: { label: record.label } });
  }

  /**
   * Whether this process can act for the account: one of the stored accounts, or the key given
   * on this process's command line. Work of other accounts in a shared data folder (a CLI run
   * with -p) belongs to the process that has their key.
   */
  serves(id: string): boolean {
    return this.ephemeral?.account.id === id || this.deps.settings.get().accounts.some((a) => a.id === id);
  }

  activeId(): string | null {
    return this.ephemeral?.account.id ?? this.deps.settings.get().activeAccountId;
  }

  /**
   * Makes a key given on the command line the active account for this process only: nothing
   * is written to settings or the keychain. Returns its (key-derived) id.
   */
  async useEphemeral(platform: ResolvedPlatform, apiKey: string, email = ''): Promise<string> {
    const id = keyAccountId(apiKey);
    const account: AccountRecord = {
      id,
      label: 'key from the command line',
      platform: { kind: 'custom', apiUrl: platform.apiUrl },
      email,
      addedAt: Date.now(),
    };
    this.ephemeral = { account, platform, api: await this.clientFor(platform, apiKey) };
    return id;
  }

  /** The session of the active account (or of `id`). */
  async session(id = this.activeId()): Promise<Session> {
    if (this.ephemeral && id === this.ephemeral.account.id) return this.ephemeral;
    if (!id)
      throw new CourierError('unauthorized', 'No account yet: add one in Settings → Accounts (or choose Sandbox to try Courier without one).', {
        text: { key: 'noAccount', params: {} },
      });
    const cached = this.sessions.get(id);
    if (cached && !(await this.routeChanged(cached))) return cached;
    const account = this.record(id);
    const key = await this.deps.secrets.get(keyName(id));
    if (!key)
      throw new KeyMissingError(
        id,
        `The API key of ${account.label} is not in the key store (${this.deps.secrets.backend}). Enter it again: Settings → Accounts, or the form in the main window.`,
        { key: 'keyMissing', params: { label: account.label } },
      );
    const platform = await this.currentPlatform(account.platform);
    const { api, dispatcher } = await this.connect(platform, key);
    const session = { account, platform, api };
    this.sessions.set(id, session);
    this.routes.set(session, dispatcher);
    return session;
  }

  /** Under "system", the OS's answer can change (a VPN, another network): a session follows it. */
  private async routeChanged(s: Session): Promise<boolean> {
    if (!this.deps.followsOsProxy || this.deps.settings.get().network.proxy !== 'system') return false;
    return (await this.dispatcherFor(s.platform.apiUrl)).dispatcher !== this.routes.get(s);
  }

  /** A sandbox account follows the running sandbox wherever its ports are today. */
  private async currentPlatform(ref: PlatformRef): Promise<ResolvedPlatform> {
    if (ref.kind === 'sandbox' && this.deps.sandbox) {
      const now = await this.deps.sandbox();
      return resolvePlatform({
        kind: 'sandbox',
        apiUrl: now.apiUrl,
        s3Endpoint: now.s3Endpoint,
        ...(now.azureBlobEndpoint ? { azureBlobEndpoint: now.azureBlobEndpoint } : {}),
      });
    }
    return resolvePlatform(ref);
  }

  private dropConnections(): void {
    // Proxy or CA changes apply to new connections: rebuild pools lazily.
    this.generation++;
    const old = [...this.dispatchers.values()];
    this.dispatchers.clear();
    this.sessions.clear();
    for (const d of old) void d.dispatcher.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    const pools = [...[...this.dispatchers.values()].map((d) => d.dispatcher), ...this.retired];
    for (const pool of pools) await pool.close().catch(() => undefined);
    this.dispatchers.clear();
    this.retired.clear();
  }
}

function toView(a: AccountRecord, s: Settings): AccountView {
  const p = resolvePlatform(a.platform);
  return {
    id: a.id,
    label: a.label,
    platformLabel: p.label,
    apiUrl: p.apiUrl,
    email: a.email,
    ...(a.workspace ? { workspace: a.workspace } : {}),
    active: s.activeAccountId === a.id,
    ...(a.platform.kind === 'sandbox' ? { sandbox: true } : {}),
  };
}

function checkKeyShape(raw: string): string {
  const apiKey = raw.trim();
  if (apiKey.length < 8 || /\s/.test(apiKey)) {
    throw new CourierError('invalid_input', 'That does not look like a Rescale API key. Copy it from Settings → API Key on the Rescale website.', {
      field: 'apiKey',
    });
  }
  return apiKey;
}

/** The id of the in-memory account of a key given on the command line (its items in a journal carry it). */
export function keyAccountId(apiKey: string): string {
  return `key-${createKeyFingerprint(apiKey)}`;
}

/** A short one-way fingerprint, so two keys on one platform get separate buckets without storing the key. */
function createKeyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
