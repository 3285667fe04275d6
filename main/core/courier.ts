import type { CourierHandlers } from '../../shared/contract';
import { createBaseServices, type BaseServices, type OpenBase } from './base-services';
import { accountHandlers } from './handlers/accounts';
import { jobHandlers } from './handlers/jobs';
import type { Scope, ScopeBudget } from './rescale/scopes';
import { sweepHandlers } from './handlers/sweeps';
import { jobTransfersFrom, activeAccountTransfers } from './jobs/transfers';
import { JobsService, type JobsTuning } from './jobs/service';
import type { Notifier } from './notify/notifier';
import { transferHandlers } from './handlers/transfers';
import { fileHandlers } from './handlers/files';
import type { Sealer } from './transfer';
import { appHandlers } from './handlers/app';
import type { ProxyRulesLookup } from './net/system-proxy';
import { createRouter, type CallContext, type Router } from './rpc/router';
import type { ChoosableKeyStore, SecretStore } from './secrets/store';
import type { SettingsBackend } from './settings/backend';

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

export interface CoreServices extends BaseServices {
  /** Templates, the outbox, the status poller, outputs and job notifications. */
  jobs: JobsService;
}

export interface Courier extends CoreServices {
  readonly router: Router;
  close(): Promise<void>;
}

/** The composition root of core: builds every service once and the handlers the router dispatches to. */
export async function createCourier(ports: CourierPorts): Promise<Courier> {
  return courierOn(createBaseServices(ports));
}

/**
 * The rest of core (jobs, the handlers, the router) on base services already built: the CLI
 * builds those first, and only its commands that need more load this module.
 */
/** Whose job notices a process shows, and so may claim (notify/notifier.ts). */
function noticeAudience(ports: CourierPorts): 'all' | 'followed' | 'viewers' {
  // The CLI has no notification area: it shows only the notices of jobs a command of it follows.
  if (ports.shell === 'cli') return 'followed';
  // Without a notifier (the web host), a notice reaches a person only through an open page.
  return ports.notifier ? 'all' : 'viewers';
}

export function courierOn(base: OpenBase): Courier {
  const { ports, hub, activity, accounts, connectivity, settings, transfers } = base.services;
  const jobs = new JobsService({
    dataDir: ports.dataDir,
    hub,
    activity,
    accounts,
    connectivity,
    settings,
    transfers: jobTransfersFrom(activeAccountTransfers(accounts, transfers)),
    ...(ports.notifier ? { notifier: ports.notifier } : {}),
    noticeAudience: noticeAudience(ports),
    ...(ports.jobsTuning ? { tuning: ports.jobsTuning } : {}),
  });
  const services: CoreServices = { ...base.services, jobs };
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
      await base.close();
    },
  };
}
