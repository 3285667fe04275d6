// The part of core every host needs: events, the activity log, settings, accounts, the network
// options and the transfer engine (loaded and opened on first use). Apart from courier.ts, which adds the
// jobs feature, the IPC handlers and the router, so that a CLI transfer command loads only this
// (the jobs feature, the sweeps and the contract's schemas are most of core's code).
import { join } from 'node:path';
import { prepareDataDir } from './data-dir';
import { AccountService } from './accounts/service';
import { ActivityLog } from './activity/log';
import { recordActivity } from './activity/recorder';
import type { CourierPorts } from './courier';
import { EventHub } from './events/hub';
import { Connectivity } from './net/connectivity';
import type { NetworkOptions } from './net/dispatcher';
import { SystemProxy } from './net/system-proxy';
import type { SecretStore } from './secrets/store';
import { JsonFileSettingsBackend } from './settings/backend';
import { SettingsService } from './settings/service';
import type { TransferService } from './transfer';
import { lazyTransfers } from './transfer-opener';

export interface BaseServices {
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
}

/** Base services and how to close them (the transfer engine, then the accounts' clients). */
export interface OpenBase {
  services: BaseServices;
  close(): Promise<void>;
}

/** Builds the base services once for a host; createCourier() builds the rest of core on them. */
export function createBaseServices(ports: CourierPorts): OpenBase {
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
  return {
    services: { hub, activity, ports, connectivity, settings, accounts, transfers: opener.open, network, transfersOpened: opener.opened },
    async close() {
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
