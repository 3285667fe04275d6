import { createHash, hkdfSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CourierError } from '../shared/errors';
import { createBaseServices, type BaseServices, type OpenBase } from '../main/core/base-services';
import type { Courier } from '../main/core/courier';
import { defaultDataDir } from '../main/core/paths';
import { platformFromUrl, resolvePlatform, type ResolvedPlatform } from '../main/core/platforms';
import { localSandboxLauncher } from '../main/core/platforms/sandbox';
import type { RescaleApi } from '../main/core/rescale/api';
import { readLegacyApiConfig } from '../main/core/secrets/legacy-apiconfig';
import { checkDataFolder } from './paths';
import { LazySecretStore } from '../main/core/secrets/lazy';
import { courierVersion } from '../main/core/version';
import type { TransferService } from '../main/core/transfer';
// The sealer alone: the transfer engine's index loads only for commands that move files.
import { createAesGcmSealer } from '../main/core/transfer/sealer';
import { cliJournal, releaseStoredParts, type TransferJournal } from './journals';
import { RunJournal, sweepRunJournals, type JournalSweep } from './run-journals';
import { AccountCache, withAccountCache } from './account-cache';
import { bundledWorkerFile } from './bundled-worker';
import type { TransferFlags } from './transfer-flags';

/** Global flags every command accepts (rescale-cli's, plus Courier's). */
export interface GlobalFlags extends TransferFlags {
  apiBaseUrl?: string; // -X
  apiToken?: string; // -p
  quiet?: boolean; // -q
  profile?: string;
  data?: string;
  json?: boolean;
}

export interface Connection {
  api: RescaleApi;
  platform: ResolvedPlatform;
  /** Where the key came from, for messages ("-p", "RESCALE_API_KEY", "account Sandbox", ...). */
  source: string;
  /**
   * Seals the per-file keys in this command's transfer journal. Derived from the API key
   * (HKDF), so the same command with the same key can resume after Ctrl-C or a crash even
   * where no keychain exists, and the journal is useless to anyone without the key.
   */
  sealerKey: Buffer;
  /** A one-way fingerprint of the key (journal names, rate-limit buckets). */
  keyId: string;
  /** Set when the key is a stored Courier account's. */
  accountId?: string;
  /** The key itself, for this process only (never printed or written). */
  apiKey: string;
}

/** A terminal user learns "unreachable" in a couple of seconds; the app retries longer in the background. */
const cliRetries = { maxAttempts: 3 };

// Not bound to the URL: a sandbox comes back on new ports, and a key belongs to one platform anyway.
function keyMaterial(apiKey: string, _apiUrl: string): { sealerKey: Buffer; keyId: string; apiKey: string } {
  const sealerKey = Buffer.from(hkdfSync('sha256', apiKey, 'courier-cli-journal', '', 32));
  return { sealerKey, keyId: createHash('sha256').update(apiKey).digest('hex').slice(0, 16), apiKey };
}

function workerFilePort(): { transferWorkerFile?: string } {
  const file = bundledWorkerFile();
  return file ? { transferWorkerFile: file } : {};
}

/** The core services for one CLI run, opened lazily and closed at exit. */
export class CliContext {
  private baseP: Promise<OpenBase> | null = null;
  private courierP: Promise<Courier> | null = null;
  private readonly sandbox;
  constructor(
    readonly flags: GlobalFlags,
    private readonly env: NodeJS.ProcessEnv = process.env,
    /** The command's positional arguments. */
    readonly args: string[] = [],
  ) {
    this.sandbox = localSandboxLauncher(this.dataDir);
    this.runJournal = new RunJournal(this.dataDir);
  }

  /** This run's journal (job inputs); a transfer command's own journal is named by what it moves. */
  private readonly runJournal: RunJournal;
  /** Finishes the journals earlier runs with this key had to keep (started by connect()). */
  private journalSweep: JournalSweep | undefined;

  /**
   * Every transfer journal of the CLI, sealed with the run's key, so it waits for connect():
   * with `identity` (key + what + where), a transfer command's own, which the same command run
   * again resumes; without, this run's, which the core's engine opens for job inputs.
   */
  async transferJournal(identity?: string[]): Promise<TransferJournal> {
    const conn = await this.connect();
    return identity ? cliJournal(this.dataDir, [conn.keyId, ...identity], conn.sealerKey) : this.runJournal.open(conn);
  }

  get dataDir(): string {
    return this.flags.data ?? defaultDataDir(this.env);
  }

  /**
   * Core's base services (accounts, settings, the network options, the transfer engine): all a
   * transfer command uses, so it never loads the jobs feature, the sweeps or the router.
   */
  core(): Promise<BaseServices> {
    return this.openBase().then((b) => b.services);
  }

  /** The whole core, on the same base services: the jobs, the templates, the router. */
  courier(): Promise<Courier> {
    const base = this.openBase();
    this.courierP ??= Promise.all([base, import('../main/core/courier')]).then(([b, m]) => m.courierOn(b));
    return this.courierP;
  }

  private openBase(): Promise<OpenBase> {
    if (!this.baseP) checkDataFolder(this.dataDir);
    this.baseP ??= (async () =>
      createBaseServices({
        shell: 'cli',
        version: courierVersion,
        dataDir: this.dataDir,
        // Probed on first use only: a run with -p or RESCALE_API_KEY never touches the keychain,
        // nor loads its modules (the native keyring addon, the key file's lock: ~20 ms).
        secrets: new LazySecretStore(async () => {
          const [{ selectNodeSecretStore }, { terminalPassphrase }] = await Promise.all([import('../main/core/secrets/select'), import('./passphrase-prompt')]);
          const { store, warning } = await selectNodeSecretStore(this.dataDir, this.env, terminalPassphrase);
          if (warning && !this.flags.quiet && firstNoteFor(this.dataDir, warning)) process.stderr.write(`Note: ${warning}\n`);
          return store;
        }),
        launchSandbox: this.sandbox.launch,
        // One-shot commands do not run the outbox or the poller; `jobs` commands start them.
        backgroundJobs: false,
        // Job inputs uploaded by this run go through a journal of its own (removed when it ends clean).
        transferJournal: () => this.transferJournal(),
        ...workerFilePort(),
      }))();
    return this.baseP;
  }

  /**
   * The API key and platform, by rescale-cli's precedence: -p > RESCALE_API_KEY > --profile
   * (a Courier account, else a section of ~/.config/rescale/apiconfig) > the active Courier
   * account > apiconfig [default]. The URL: -X > RESCALE_API_URL > the profile's > the default.
   * Its API answers users/me, the folders and credentials from an earlier run while fresh.
   */
  connect(): Promise<Connection> {
    this.connection ??= this.findKey().then((conn) => {
      const cache = new AccountCache(this.dataDir, conn.platform.apiUrl, conn.keyId, createAesGcmSealer(conn.sealerKey));
      const connection = { ...conn, api: withAccountCache(conn.api, cache) };
      const network = async () => (await this.core()).network();
      const note = (text: string): void => {
        if (!this.flags.quiet) process.stderr.write(`Note: ${text}\n`);
      };
      this.journalSweep ??= sweepRunJournals({ dataDir: this.dataDir, conn: connection, network, note });
      return connection;
    });
    return this.connection;
  }
  private connection: Promise<Connection> | undefined;

  private async findKey(): Promise<Connection> {
    const c = await this.core();
    const urlOverride = this.flags.apiBaseUrl ?? this.env.RESCALE_API_URL;
    const platformFor = (fallback?: string): ResolvedPlatform => resolvePlatform(platformFromUrl(urlOverride ?? fallback ?? 'https://platform.rescale.com'));
    const direct = this.flags.apiToken
      ? { key: this.flags.apiToken, source: '-p' }
      : this.env.RESCALE_API_KEY
        ? { key: this.env.RESCALE_API_KEY, source: 'RESCALE_API_KEY' }
        : null;
    if (direct) {
      const platform = platformFor(this.profileUrl());
      return {
        api: await c.accounts.clientFor(platform, direct.key, cliRetries),
        platform,
        source: direct.source,
        ...keyMaterial(direct.key, platform.apiUrl),
      };
    }
    if (this.flags.profile) {
      const account = c.accounts.list().find((a) => a.label === this.flags.profile || a.id === this.flags.profile);
      if (account) return this.fromAccount(account.id, `account ${account.label}`);
      const ini = readLegacyApiConfig(this.flags.profile, this.env);
      if (ini?.apiKey) {
        const platform = platformFor(ini.apiBaseUrl);
        return {
          api: await c.accounts.clientFor(platform, ini.apiKey, cliRetries),
          platform,
          source: `${ini.file} [${this.flags.profile}]`,
          ...keyMaterial(ini.apiKey, platform.apiUrl),
        };
      }
      throw new CourierError('unauthorized', `No account or apiconfig profile named "${this.flags.profile}". See \`courier accounts list\`.`);
    }
    const active = c.accounts.activeId();
    if (active && !urlOverride) return this.fromAccount(active, 'the active account');
    const ini = readLegacyApiConfig('default', this.env);
    if (ini?.apiKey) {
      const platform = platformFor(ini.apiBaseUrl);
      return { api: await c.accounts.clientFor(platform, ini.apiKey, cliRetries), platform, source: ini.file, ...keyMaterial(ini.apiKey, platform.apiUrl) };
    }
    if (active) return this.fromAccount(active, 'the active account');
    throw new CourierError('unauthorized', 'No API key: pass -p KEY, set RESCALE_API_KEY, or add an account with `courier accounts add`.');
  }

  /**
   * Core with the run's credentials as its active account: a key from -p / RESCALE_API_KEY /
   * apiconfig becomes an in-memory account for this process; otherwise the stored one is used.
   */
  async courierWithAccount(): Promise<Courier> {
    const c = await this.courier();
    const conn = await this.connect();
    if (!conn.accountId) await c.accounts.useEphemeral(conn.platform, conn.apiKey);
    return c;
  }

  private profileUrl(): string | undefined {
    return this.flags.profile ? readLegacyApiConfig(this.flags.profile, this.env)?.apiBaseUrl : undefined;
  }

  private async fromAccount(id: string, source: string): Promise<Connection> {
    const c = await this.core();
    const s = await c.accounts.session(id);
    const key = await c.ports.secrets.get(`account:${id}`);
    if (!key) throw new CourierError('unauthorized', `The key of ${s.account.label} is missing from the keychain; add the account again.`);
    return { api: s.api, platform: s.platform, source, accountId: id, ...keyMaterial(key, s.platform.apiUrl) };
  }

  async close(): Promise<void> {
    await this.journalSweep?.stop();
    if (this.baseP) {
      const base = await this.baseP;
      const keep = base.services.transfersOpened() ? await this.keepRunJournal(await base.services.transfers()) : false;
      // The whole core closes its base too; a run that built only the base closes that.
      const whole = await this.courierP?.catch(() => undefined);
      await (whole ? whole.close() : base.close());
      this.runJournal.finish(keep);
    }
    await this.sandbox.stop();
  }

  /**
   * Whether this run's journal (job inputs the core uploaded) must stay. A run that ended with
   * nothing in flight drops it, but a failed input kept its multipart upload open for a retry
   * (the outbox uploads the input afresh next time), and the journal is the only record of that
   * upload: its stored parts are released first, and a journal whose uploads could not be
   * aborted yet is kept rather than leaving parts the storage bills for with no record of them.
   */
  private async keepRunJournal(t: TransferService): Promise<boolean> {
    const items = t.list().items;
    if (items.some((i) => !['done', 'failed', 'cancelled'].includes(i.state))) return true;
    return (await releaseStoredParts(t, items)) > 0;
  }
}

/** A note about the key store is said once per data folder (and again if its text changes), not on every command. */
function firstNoteFor(dataDir: string, note: string): boolean {
  const marker = join(dataDir, 'key-store-note');
  try {
    if (readFileSync(marker, 'utf8') === note) return false;
  } catch {
    // not said yet
  }
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(marker, note, { mode: 0o600 });
  } catch {
    // Saying it again next time is better than failing the command.
  }
  return true;
}
