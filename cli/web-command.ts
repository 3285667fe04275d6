import open from 'open';
import { createCourier, type Courier } from '../main/core/courier';
import { installLastResort } from '../main/core/last-resort';
import { defaultDataDir } from '../main/core/paths';
import { localSandboxLauncher } from '../main/core/platforms/sandbox';
import { courierVersion } from '../main/core/version';
import { startWebHost } from '../main/web/host';
import { ensureRendererBuilt } from '../main/web/renderer-build';
import { KeyStoreChooser } from '../main/core/secrets/chooser';
import { selectNodeSecretStore } from '../main/core/secrets/select';
import { EXIT_ERROR, reportError } from './output';
import { bundledWorkerFile } from './bundled-worker';

/** `courier web`: core services plus the loopback web host; prints the URL and opens it. */
export async function runWeb(opts: { port?: number; open: boolean; dataDir?: string }): Promise<void> {
  const rendererDir = await ensureRendererBuilt({ log: (l) => console.error(l) });
  const dataDir = opts.dataDir ?? defaultDataDir();
  // The person chooses where keys go in the sign-in form when no keychain answers (keychain,
  // a file encrypted with a passphrase, or memory only); a key file found here is opened there.
  // COURIER_KEY_STORE=file / memory still picks a store up front (a headless server's choice).
  const preset = process.env.COURIER_KEY_STORE === 'file' || process.env.COURIER_KEY_STORE === 'memory';
  const chooser = preset ? null : await KeyStoreChooser.open(dataDir);
  const presetStore = chooser ? null : await selectNodeSecretStore(dataDir);
  if (presetStore?.warning) console.error(`Note: ${presetStore.warning}`);
  const secrets = chooser ?? (presetStore as NonNullable<typeof presetStore>).store;
  const sandbox = localSandboxLauncher(dataDir);
  let courier: Courier | null = null;
  // Before anything listens: one bad connection must never end the user's transfers and outbox.
  installLastResort({
    log: (level, message, detail) => {
      courier?.activity.add(level, 'app', message);
      console.error(detail && level === 'error' ? `${message}\n${detail}` : message);
    },
    exit: (code) => process.exit(code),
  });
  courier = await createCourier({
    shell: 'web',
    version: courierVersion,
    dataDir,
    secrets,
    ...(chooser ? { keyStore: chooser } : {}),
    launchSandbox: sandbox.launch,
    openExternal: async (url) => void (await open(url)),
    ...(bundledWorkerFile() ? { transferWorkerFile: bundledWorkerFile() as string } : {}),
  });
  const host = await startWebHost({ courier, rendererDir, ...(opts.port !== undefined ? { port: opts.port } : {}) });
  console.log(`Courier is running at ${host.url}`);
  console.log('Keep this terminal open; press Ctrl-C to stop.');
  if (opts.open) {
    try {
      await open(host.url);
    } catch {
      console.log('(No browser could be opened; copy the link above into one.)');
    }
  }
  const stop = async () => {
    await host.close();
    await courier.close();
    await sandbox.stop();
    process.exit(0);
  };
  // A failing close still ends the process, with the standard error line rather than a stack.
  const stopOrReport = () =>
    stop().catch((e: unknown) => {
      reportError(e, { quiet: false });
      process.exit(EXIT_ERROR);
    });
  process.once('SIGINT', stopOrReport);
  process.once('SIGTERM', stopOrReport);
}
