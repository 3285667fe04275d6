// Courier in-process for the view tests: core + web host + a sandbox that can be stopped and
// started again on the same ports (the offline queue), a key store that survives a restart of
// the app on the same data folder in this process (settings persistence), short job timers and a download
// folder inside the data folder. test/support/web-app.ts is the plain version of this.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestChannel, type CourierClient } from '../../../shared/contract';
import { createCourier, type Courier } from '../../../main/core/courier';
import { KeyStoreChooser } from '../../../main/core/secrets/chooser';
import { MemorySecretStore, type SecretStore } from '../../../main/core/secrets/store';
import { startWebHost, type WebHost } from '../../../main/web/host';
import { ensureRendererBuilt } from '../../../main/web/renderer-build';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { FAST_TUNING } from '../../support/jobs-env';

export interface CourierWeb {
  courier: Courier;
  host: WebHost;
  dataDir: string;
  downloads: string;
  /** Hand it to a restart so the Sandbox key is still there (a keychain outlives the app). */
  secrets: SecretStore;
  /** A request through the router, as the renderer would make it (throws on failure). */
  call<D extends keyof CourierClient & string, M extends keyof CourierClient[D] & string>(
    domain: D,
    method: M,
    input: Parameters<CourierClient[D][M]>[0],
  ): ReturnType<CourierClient[D][M]>;
  /** The running sandbox (fault injection, stats); throws while it is stopped. */
  sandbox(): RunningSandbox;
  stopSandbox(): Promise<void>;
  startSandbox(): Promise<void>;
  /** Stops core, host and sandbox (the data folder stays, for a restart). */
  stop(): Promise<void>;
}

export async function startCourierWeb(
  opts: {
    dataDir?: string;
    jobSeconds?: number;
    ports?: { port: number; s3Port: number };
    secrets?: SecretStore;
    chooseKeyStore?: boolean;
    storage?: 's3' | 'azure';
  } = {},
): Promise<CourierWeb> {
  const rendererDir = await ensureRendererBuilt();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'courier-views-'));
  const downloads = join(dataDir, 'downloads');
  mkdirSync(downloads, { recursive: true });
  const sandboxOpts = { dataDir: join(dataDir, 'sandbox'), jobSeconds: opts.jobSeconds ?? 4, faults: true, storage: opts.storage ?? 's3' };
  let sb: RunningSandbox | null = await startSandbox({ ...sandboxOpts, ...(opts.ports ?? {}) });
  const ports = { port: Number(new URL(sb.apiUrl).port), s3Port: Number(new URL(sb.s3Endpoint).port) };
  const token = sb.token;
  const current = () => {
    if (!sb) throw new Error('the sandbox is stopped');
    return sb;
  };
  // chooseKeyStore: the web host's store where no keychain answers (encrypted file or memory, picked in the app).
  const chooser = opts.chooseKeyStore ? await KeyStoreChooser.open(dataDir, { keychain: false }) : null;
  const secrets = chooser ?? opts.secrets ?? new MemorySecretStore();
  const courier = await createCourier({
    shell: 'web',
    version: '0.0.0-test',
    dataDir,
    secrets,
    ...(chooser ? { keyStore: chooser } : {}),
    launchSandbox: async () => ({ apiUrl: current().apiUrl, s3Endpoint: current().s3Endpoint, azureBlobEndpoint: current().azureBlobEndpoint, token }),
    jobsTuning: FAST_TUNING,
  });
  if (!opts.dataDir) courier.settings.update({ downloads: { folder: downloads } });
  const host = await startWebHost({ courier, rendererDir });
  return {
    courier,
    host,
    dataDir,
    downloads,
    secrets,
    call: ((domain: string, method: string, input: unknown) =>
      courier.router.dispatch(requestChannel(domain, method), input, { transport: 'memory' }).then((r) => {
        if (!r.ok) throw new Error(`${domain}.${method}: ${r.error.code}: ${r.error.message}`);
        return r.value;
      })) as CourierWeb['call'],
    sandbox: current,
    async stopSandbox() {
      const s = sb;
      sb = null;
      await s?.stop();
    },
    async startSandbox() {
      sb ??= await startSandbox({ ...sandboxOpts, ...ports, token });
    },
    async stop() {
      await host.close();
      await courier.close();
      await sb?.stop();
      sb = null;
    },
  };
}

/** The ports a restarted app must use so its saved Sandbox account still points at them. */
export function portsOf(web: CourierWeb): { port: number; s3Port: number } | undefined {
  const a = web.courier.settings.get().accounts[0];
  if (!a || a.platform.kind !== 'sandbox') return undefined;
  return { port: Number(new URL(a.platform.apiUrl).port), s3Port: Number(new URL(a.platform.s3Endpoint).port) };
}

/** Files under a top-level folder of My Library on (sandbox) Rescale: "sub/b.bin" → size. */
export async function remoteFolder(web: CourierWeb, name: string): Promise<Record<string, number> | null> {
  const root = await web.call('files', 'browse', {});
  const top = root.entries.find((e) => e.type === 'folder' && e.name === name);
  if (!top) return null;
  const out: Record<string, number> = {};
  const walk = async (id: string, prefix: string): Promise<void> => {
    const r = await web.call('files', 'browse', { folderId: id });
    for (const e of r.entries) {
      if (e.type === 'file') out[prefix + e.name] = e.size;
      else await walk(e.id, `${prefix}${e.name}/`);
    }
  };
  await walk(top.id, '');
  return out;
}
