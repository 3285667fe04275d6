import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCourier, type Courier } from '../../main/core/courier';
import { startWebHost, type WebHost } from '../../main/web/host';
import { ensureRendererBuilt } from '../../main/web/renderer-build';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { localSandboxLauncher } from '../../main/core/platforms/sandbox';

export interface WebApp {
  courier: Courier;
  host: WebHost;
  dataDir: string;
  stop(): Promise<void>;
}

/** Core + web host in-process on a fresh data folder, as `npm run web` would start them. */
export async function startWebApp(opts: { dataDir?: string; jobSeconds?: number } = {}): Promise<WebApp> {
  const rendererDir = await ensureRendererBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'courier-e2e-'));
  const sandbox = localSandboxLauncher(dataDir, { jobSeconds: opts.jobSeconds ?? 4 });
  const courier = await createCourier({ shell: 'web', version: '0.0.0-test', dataDir, secrets: new MemorySecretStore(), launchSandbox: sandbox.launch });
  const host = await startWebHost({ courier, rendererDir });
  return {
    courier,
    host,
    dataDir,
    async stop() {
      await host.close();
      await courier.close();
      await sandbox.stop();
    },
  };
}
