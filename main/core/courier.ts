import { prepareDataDir } from './data-dir';
import { join } from 'node:path';
import type { CourierHandlers } from '../../shared/contract';
import { AccountService } from './accounts/service';
import { ActivityLog } from './activity/log';
import { EventHub } from './events/hub';
import { accountHandlers } from './handlers/accounts';
import { jobHandlers } from './handlers/jobs';
import type { Scope, ScopeBudget } from './rescale/scopes';
import { sweepHandlers } from './handlers/sweeps';
import { jobTransfersFrom, activeAccountTransfers } from './jobs/transfers';
import { JobsService, type JobsTuning } from './jobs/service';
import type { Notifier } from './notify/notifier';
import { transferHandlers } from './handlers/transfers';
import { fileHandlers } from './handlers/files';
import type { Sealer, TransferService } from './transfer';
import { appHandlers } from './handlers/app';
import { Connectivity } from './net/connectivity';
import { recordActivity } from './activity/recorder';
import type { NetworkOptions } from './net/dispatcher';
import { SystemProxy, type ProxyRulesLookup } from './net/system-proxy';
import { createRouter, type CallContext, type Router } from './rpc/router';
import type { ChoosableKeyStore, SecretStore } from './secrets/store';
import { JsonFileSettingsBackend, type SettingsBackend } from './settings/backend';
import { SettingsService } from './settings/service';
import { lazyTransfers } from './transfer-opener';

export { limitsFrom } from './transfer-opener';

/** What the host (Electron shell, web host, CLI, tests) hands to core. */
export interface CourierPorts {
  shell: 'electron' | 'web' | 'cli';
  version: string;
  /** Per-user data folder: journal, outbox, settings, activity log (created 0700). */
  dataDir: string;
  /** Where API keys live (safeStorage in Electron, the OS keyring in the web host, memory in tests). */
  secrets: SecretStore;
  /** The same store when the person chooses where keys go (the web host): the sign-in form offers it. */
  keyStore?: ChoosableKeyStore;
  /** electron-store in the shell; conf (its base) otherwise. */
  settingsBackend?: SettingsBackend;
  /** Opens a validated http(s) URL in the OS browser; absent where there is none. */
  openExternal?: (url: string) => Promise<void>;
  /** Shows a local folder in the OS file manager; absent where there is none (the web host, the CLI). */
  openFolder?: (path: string) => Promise<void>;
  /**
   * The OS's proxy rules for a URL in PAC form (Electron's session.resolveProxy), used for the
   * "system" proxy setting; absent = HTTP(S)_PROXY only. Answers are reused for `cacheMs` (60 s).
   */
  systemProxy?: { rules: ProxyRulesLookup; cacheMs?: number };
  /** Starts the local sandbox on demand (the "Sandbox" platform); absent where it is not offered. */
  launchSandbox?: () => Promise<{ apiUrl: string; s3Endpoint: string; azureBlobEndpoint?: string | null; token: string }>;
  /**
   * A journal of this process's own (the CLI): one journal must be driven by one process, and
   * the desktop app or the web host owns transfers.db. Asked for when the engine opens, so its
   * sealer can come from the run's key, whenever that is found.
   */
  transferJournal?: () => Promise<{ path: string; sealer: Sealer }>;
  /** The bundled transfer worker (Electron build); the tsx bootstrap next to the sources otherwise. */
  transferWorkerFile?: string;
  /** Shows an OS notification when a job ends or a running one needs a look (Electron Notification); the CLI has none. */
  notifier?: Notifier;
  /** Runs the job outbox and status poller from the start (default true; a one-shot CLI command may call jobs.start() itself). */
  backgroundJobs?: boolean;
  /** Shorter timers for the jobs feature (tests). */
  jobsTuning?: JobsTuning;
  /** Client-side API budgets per scope in place of the platform's (tests and benchmarks against a sandbox given other limits). */
  rateBudgets?: Partial<Record<Scope, ScopeBudget>>;
}

export interface CoreServices {
  hub: EventHub;
  activity: ActivityLog;
  ports: CourierPorts;
  connectivity: Connectivity;
  settings: SettingsService;
  accounts: AccountService;
  /** The transfer engine, opened on first use (the CLI opens it only for transfer commands). */
  transfers(): Promise<TransferService>;
  /** Proxy, CA and timeouts from the settings (with the proxy password from the keychain). */
  network(): Promise<NetworkOptions>;
  /** Whether the transfer engine was opened in this process. */
  transfersOpened(): boolean;
  /** Templates, the outbox, the status poller, outputs and job notifications. */
  jobs: JobsService;
}

export interface Courier extends CoreServices {
  readonly router: Router;
  close(): Promise<void>;
}

/** The composition root of core: builds every service once and the handlers the router dispatches to. */
export async function createCourier(ports: CourierPorts): Promise<Courier> {
  prepareDataDir(ports.dataDir);
  const hub = new EventHub();
  const activity = new ActivityLog(join(ports.dataDir, 'activity.jsonl'), hub);
  const connectivity = new Connectivity(hub);
  const stopRecording = recordActivity(hub, activity);
  const settings = new SettingsService(ports.settingsBackend ?? new JsonFileSettingsBackend(ports.dataDir), {
    warn: (p) => activity.say('warn', 'settings', p),
    info: (p) => activity.say('info', 'settings', p),
  });
  const network = (): Promise<NetworkOptions> => networkOptions(settings, ports.secrets);
  const osProxy = ports.systemProxy;
  const systemProxy = osProxy
    ? new SystemProxy(osProxy.rules, { ...(osProxy.cacheMs !== undefined ? { ttlMs: osProxy.cacheMs } : {}), warn: (p) => activity.say('warn', 'settings', p) })
    : null;
  /** The options for connections to `target`: the "system" proxy as the OS answers for it, where the shell can ask. */
  const networkFor = async (target: string): Promise<NetworkOptions> => (systemProxy ? systemProxy.apply(await network(), target) : network());
  const launchSandbox = ports.launchSandbox;
  const accounts = new AccountService({
    settings,
    secrets: ports.secrets,
    dataDir: ports.dataDir,
    activity,
    connectivity,
    userAgent: `Courier/${ports.version}`,
    network: networkFor,
    followsOsProxy: systemProxy !== null,
    ...(ports.rateBudgets ? { budgets: ports.rateBudgets } : {}),
    ...(launchSandbox ? { sandbox: launchSandbox } : {}),
  });
  settings.onChange((s) => hub.emit('settingsChanged', s));

  const opener = lazyTransfers({ ports, settings, accounts, hub, activity, network, systemProxy });
  const transfers = opener.open;

  const jobs = new JobsService({
    dataDir: ports.dataDir,
    hub,
    activity,
    accounts,
    connectivity,
    settings,
    transfers: jobTransfersFrom(activeAccountTransfers(accounts, transfers)),
    ...(ports.notifier ? { notifier: ports.notifier } : {}),
    // The CLI has no notification area: it shows (and so claims) only the notices of jobs it follows.
    ...(ports.shell === 'cli' ? { noticeAudience: 'followed' as const } : {}),
    ...(ports.jobsTuning ? { tuning: ports.jobsTuning } : {}),
  });
  const transfersOpened = opener.opened;
  const services: CoreServices = { hub, activity, ports, connectivity, settings, accounts, transfers, network, transfersOpened, jobs };
  const handlers: CourierHandlers<CallContext> = {
    ...appHandlers(services),
    ...accountHandlers(services),
    ...transferHandlers(services),
    ...fileHandlers(services),
    ...jobHandlers(services),
    ...sweepHandlers(services),
  };
  const router = createRouter(handlers, {
    error: (message, detail) => activity.error('app', `${message}: ${detail instanceof Error ? detail.message : JSON.stringify(detail)}`),
  });
  if (ports.backgroundJobs !== false) jobs.start();

  return {
    ...services,
    router,
    async close() {
      await jobs.close();
      await opener.close();
      await accounts.close();
      stopRecording();
    },
  };
}

/** Proxy, CA and timeouts from the settings (with the proxy password from the keychain). */
async function networkOptions(settings: SettingsService, secrets: SecretStore): Promise<NetworkOptions> {
  const n = settings.get().network;
  const base = n.caBundlePath ? { caBundlePath: n.caBundlePath } : {};
  if (n.proxy === 'explicit' && n.proxyUrl) {
    const password = (await secrets.get('proxy').catch(() => null)) ?? undefined;
    return {
      ...base,
      proxy: { mode: 'explicit', url: n.proxyUrl, ...(n.proxyUsername ? { username: n.proxyUsername } : {}), ...(password ? { password } : {}) },
    };
  }
  return { ...base, proxy: { mode: n.proxy === 'system' ? 'system' : 'none' } };
}
