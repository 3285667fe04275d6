import { once } from 'node:events';
import path from 'node:path';
import type { FaultRegistry } from '../control/faults';
import type { Stats } from '../control/stats';
import { AzureBlobs } from '../storage/azure-blobs';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY, startAzurite } from './azurite';
import { createAzureProxy } from './proxy';
import { SasIssuer } from './sas';

export interface AzureSide {
  blobs: AzureBlobs;
  sas: SasIssuer;
  /** `http://host:PROXYPORT/devstoreaccount1`: what clients use as the blob endpoint. */
  blobEndpoint: string;
  /** Azurite itself (no faults, no counting), for sandbox-internal access and benchmarks. */
  directEndpoint: string;
  stop(): Promise<void>;
}

export interface AzureAdminKeys {
  accountName: string;
  accountKey: string;
  container: string;
  /** Through the fault proxy (counted, faults apply). */
  blobEndpoint: string;
  /** Straight to Azurite. */
  directEndpoint: string;
}

export function azureAdmin(side: AzureSide, container: string): AzureAdminKeys {
  return { accountName: DEV_ACCOUNT, accountKey: DEV_ACCOUNT_KEY, container, blobEndpoint: side.blobEndpoint, directEndpoint: side.directEndpoint };
}

export interface AzureStartOptions {
  dataDir: string;
  /** Where the proxy listens (Azurite itself stays on 127.0.0.1). */
  host: string;
  urlHost: string;
  proxyPort: number;
  container: string;
  /** The user's storageDir: container SAS tokens reach only below it. */
  storageDir: string;
  sasTtlMs: number;
  faults: FaultRegistry;
  faultsEnabled: boolean;
  stats: Stats;
}

/** Azurite (data under dataDir/azurite) plus the counting, fault-injecting proxy in front of it. */
export async function startAzureSide(o: AzureStartOptions): Promise<AzureSide> {
  const lib = await import('@azure/storage-blob');
  const azurite = await startAzurite(path.join(o.dataDir, 'azurite'), '127.0.0.1');
  try {
    const blobs = new AzureBlobs(lib, azurite.directEndpoint);
    await blobs.createContainer(o.container);
    const sas = new SasIssuer(lib, o.container, o.sasTtlMs, `${o.storageDir}/`);
    const { server, agent } = createAzureProxy({
      upstreamHost: '127.0.0.1',
      upstreamPort: azurite.port,
      faults: o.faults,
      faultsEnabled: o.faultsEnabled,
      stats: o.stats,
      sas,
    });
    server.keepAliveTimeout = 20_000;
    server.headersTimeout = 25_000;
    server.listen(o.proxyPort, o.host);
    await once(server, 'listening');
    const addr = server.address();
    const port = typeof addr === 'object' && addr ? addr.port : o.proxyPort;
    let stopped: Promise<void> | null = null;
    return {
      blobs,
      sas,
      blobEndpoint: `http://${o.urlHost}:${port}/${DEV_ACCOUNT}`,
      directEndpoint: azurite.directEndpoint,
      stop: () =>
        (stopped ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeAllConnections();
          await closed;
          agent.destroy();
          await azurite.stop();
        })()),
    };
  } catch (err) {
    await azurite.stop();
    throw err;
  }
}
