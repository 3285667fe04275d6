// The transfer engine, opened on first use (the CLI opens it only for transfer commands) and
// kept in step with the settings afterwards. Apart from courier.ts so the composition root
// stays a list of services.
import { join } from 'node:path';
import type { Settings } from '../../shared/settings';
import type { AccountService } from './accounts/service';
import type { ActivityLog } from './activity/log';
import type { CourierPorts } from './courier';
import type { EventHub } from './events/hub';
import type { NetworkOptions } from './net/dispatcher';
import type { SystemProxy } from './net/system-proxy';
import { ActiveAccountStorage } from './rescale/active-storage';
import { journalSealer } from './secrets/journal-key';
import type { SettingsService } from './settings/service';
import type { LimitsInput, TransferService } from './transfer';

export interface TransferOpenerDeps {
  ports: CourierPorts;
  settings: SettingsService;
  accounts: AccountService;
  hub: EventHub;
  activity: ActivityLog;
  network: () => Promise<NetworkOptions>;
  systemProxy: SystemProxy | null;
}

export interface TransferOpener {
  open(): Promise<TransferService>;
  /** Whether the engine was opened in this process. */
  opened(): boolean;
  close(): Promise<void>;
}

export function lazyTransfers(d: TransferOpenerDeps): TransferOpener {
  const { ports, settings, accounts, hub, activity, network, systemProxy } = d;
  let transfersP: Promise<TransferService> | null = null;
  const open = (): Promise<TransferService> => {
    transfersP ??= (async () => {
      const own = await ports.transferJournal?.();
      let applied = JSON.stringify(settings.get().network); // what the service's network() below reads
      // Loaded on first use, as it is opened: a command that moves no file never loads the engine.
      const { createTransferService } = await import('./transfer');
      const t = await createTransferService({
        storage: new ActiveAccountStorage(accounts),
        journalPath: own?.path ?? join(ports.dataDir, 'transfers.db'),
        sealer: own?.sealer ?? (await journalSealer(ports.secrets)),
        limits: limitsFrom(settings.get()),
        account: accounts.activeId(),
        network: await network(),
        ...(systemProxy ? { route: (net: NetworkOptions, target: string) => systemProxy.apply(net, target) } : {}),
        ...(ports.transferWorkerFile ? { workerFile: ports.transferWorkerFile } : {}),
      });
      t.onProgress((batch) => hub.emit('transfersProgress', batch));
      settings.onChange((st) => {
        t.setLimits(limitsFrom(st));
        t.setAccount(accounts.activeId()); // a switch holds the other account's transfers
        // Only a network change is worth a keychain read (the proxy password) and new pools.
        if (JSON.stringify(st.network) === applied) return;
        applied = JSON.stringify(st.network);
        void network().then(
          (n) => t.setNetwork(n),
          (e: unknown) => activity.say('warn', 'transfers', { key: 'networkNotApplied', params: { reason: e instanceof Error ? e.message : String(e) } }),
        );
      });
      return t;
    })().catch((e: unknown) => {
      // A locked key store (no passphrase yet) is not forever: the next use tries again.
      transfersP = null;
      throw e;
    });
    return transfersP;
  };

  return {
    open,
    opened: () => transfersP !== null,
    async close() {
      if (transfersP) await (await transfersP).close();
    },
  };
}

/** Settings → the engine's limits (one place converts units). */
export function limitsFrom(s: Settings): LimitsInput {
  const t = s.transfers;
  return {
    parallelFiles: t.parallelFiles,
    partsPerFile: t.partsPerFile,
    partSizeBytes: t.partSizeMiB * 1024 * 1024,
    bandwidth: { bytesPerSecond: t.bandwidthBytesPerSecond, schedule: t.bandwidthSchedule },
  };
}
