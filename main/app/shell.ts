// The shell's start-up as a function: index.ts calls it with the defaults; the shell tests call
// it against a stand-in for Electron (test/electron-standin) with a temp data folder, so the
// wiring below is the code that runs in the app, not a copy of it.
import { app, BrowserWindow, dialog, powerMonitor, safeStorage, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCourier, type Courier, type CourierPorts } from '../core/courier';
import { installLastResort } from '../core/last-resort';
import { defaultDataDir } from '../core/paths';
import { localSandboxLauncher } from '../core/platforms/sandbox';
import { KeyStoreChooser } from '../core/secrets/chooser';
import { checkExternalUrl } from '../core/security/url-policy';
import { ElectronStoreSettingsBackend } from './electron-settings';
import { registerIpc } from './ipc-bridge';
import { electronNotifier } from './notifier';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol';
import { installQuitGuard } from './quit-guard';
import { SafeStorageSecretStore } from './safe-storage-secrets';
import { hardenNavigation, hardenSessions } from './security';
import { createTray, type TrayHandle } from './tray';
import { createMainWindow, outDir } from './window';

export interface ShellOptions {
  /** The per-user data folder (default: COURIER_DATA_DIR or the OS's place). */
  dataDir?: string;
  /** The built renderer served over app:// (default: out/renderer next to the build). */
  rendererDir?: string;
  /** Core ports to replace (tests: faster job timers, the tsx transfer worker). */
  ports?: Partial<CourierPorts>;
  /** Where uncaught errors are caught (default: the process). */
  processEvents?: NodeJS.EventEmitter;
}

export interface ShellHandle {
  /** false when another Courier holds the single-instance lock (this one quits). */
  primary: boolean;
  /** Settles once core runs, the tray exists and the window was opened (null: not the primary). */
  ready: Promise<Courier | null>;
}

/** The shell's parts that come to exist at different times and that many handlers reach. */
interface ShellState {
  mainWindow: BrowserWindow | null;
  courier: Courier | null;
  tray: TrayHandle | null;
}

/** Shows the window (creating it when there is none), at `hash` when given. */
function windowShower(s: ShellState, guard: { quitting(): boolean }, assetsDir: string): (hash?: string) => void {
  return (hash = '') => {
    if (!s.mainWindow || s.mainWindow.isDestroyed()) {
      s.mainWindow = createMainWindow(outDir('preload', 'index.cjs'), join(assetsDir, 'icon.png'));
      s.mainWindow.on('close', (e) => {
        // Keep working in the tray instead of quitting (unless the user quits, or turned it off).
        if (!guard.quitting() && s.courier?.settings.get().app.keepRunningInTray && s.tray) {
          e.preventDefault();
          s.mainWindow?.hide();
        }
      });
    }
    const win = s.mainWindow;
    if (hash) void win.loadURL(`${APP_ORIGIN}/index.html${hash}`);
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };
}

interface BootDeps {
  dataDir: string;
  assetsDir: string;
  launchSandbox: CourierPorts['launchSandbox'];
  showWindow: (hash?: string) => void;
}

/** Once Electron is ready: core with the OS's ports, the IPC bridge, power events, the tray and the window. */
async function bootCourier(o: ShellOptions, s: ShellState, d: BootDeps): Promise<Courier> {
  hardenSessions();
  serveRenderer(o.rendererDir ?? outDir('renderer'));
  const { keys, acceptPlaintext } = await openShellKeyStore(d.dataDir);
  const c = await createCourier({
    shell: 'electron',
    version: app.getVersion(),
    dataDir: d.dataDir,
    secrets: keys,
    keyStore: keys,
    settingsBackend: new ElectronStoreSettingsBackend(d.dataDir),
    launchSandbox: d.launchSandbox,
    transferWorkerFile: outDir('main', 'transfer-worker.js'),
    notifier: electronNotifier(join(d.assetsDir, 'notification.png'), (jobId) => d.showWindow(`#/jobs/${encodeURIComponent(jobId)}`)),
    systemProxy: { rules: (url) => session.defaultSession.resolveProxy(url) }, // OS settings, PAC and WPAD, as Chromium sees them
    ...osShellPorts,
    ...o.ports,
  });
  s.courier = c;
  acceptPlaintext(c.settings.get().app.acceptPlaintextKeyStorage);
  c.settings.onChange((st) => acceptPlaintext(st.app.acceptPlaintextKeyStorage));
  registerIpc(c, APP_ORIGIN);
  // Resume unfinished transfers from the journal right away, not on first use. A key file still
  // locked (its passphrase not given yet) holds the journal's key: then they resume on unlock.
  c.transfers().catch(() => undefined);
  // No polling while the machine sleeps; a fresh look when it wakes.
  powerMonitor.on('suspend', () => c.jobs.pause());
  powerMonitor.on('resume', () => c.jobs.resume());
  s.tray = createTray(c, d.assetsDir, d.showWindow, () => app.quit());
  d.showWindow();
  app.on('activate', () => d.showWindow());
  return c;
}

export function startShell(o: ShellOptions = {}): ShellHandle {
  app.enableSandbox();
  registerAppScheme();
  if (!app.requestSingleInstanceLock()) {
    // Another Courier owns the journal and the outbox: hand over to it and leave.
    app.quit();
    return { primary: false, ready: Promise.resolve(null) };
  }
  const s: ShellState = { mainWindow: null, courier: null, tray: null };
  const assetsDir = outDir('..', 'assets');
  const dataDir = o.dataDir ?? defaultDataDir();
  const sandbox = localSandboxLauncher(dataDir);

  installShellLastResort(o.processEvents, () => s.courier);

  const guard = installQuitGuard({
    busy: () => ({ transfers: s.tray?.activeTransfers() ?? 0, submissions: s.tray?.queuedSubmissions() ?? 0 }),
    hide: () => s.mainWindow?.hide(),
    close: async () => {
      await s.courier?.close();
      await sandbox.stop();
    },
  });
  const showWindow = windowShower(s, guard, assetsDir);

  app.on('second-instance', () => showWindow());
  hardenNavigation(APP_ORIGIN);

  const ready = app.whenReady().then(() => bootCourier(o, s, { dataDir, assetsDir, launchSandbox: sandbox.launch, showWindow }));

  app.on('window-all-closed', () => {
    // The window was really closed: stay in the tray only if that is what the user wants.
    if (process.platform !== 'darwin' && !(s.tray && s.courier?.settings.get().app.keepRunningInTray)) app.quit();
  });
  return { primary: true, ready };
}

/**
 * Instead of Electron's default (a dialog, then carrying on whatever the state): the same policy
 * as the web host. A connection error or a lost promise is logged and the app goes on; an
 * uncaught exception is logged, explained, and ends the app (transfers resume next start).
 */
function installShellLastResort(target: NodeJS.EventEmitter | undefined, courier: () => Courier | null): void {
  installLastResort({
    ...(target ? { target } : {}),
    log: (level, message, detail) => {
      courier()?.activity.add(level, 'app', message);
      console.error(detail && level === 'error' ? `${message}\n${detail}` : message);
    },
    exit: (code) => {
      dialog.showErrorBox(
        'Courier stopped after an unexpected error',
        'Unfinished transfers and queued job submissions continue the next time Courier starts. The details are in the activity log.',
      );
      app.exit(code);
    },
  });
}

/**
 * safeStorage counts as a keychain when it encrypts for real, or when keys were already kept with
 * it (Linux's basic_text, accepted in Settings earlier). Otherwise the person chooses, as in the
 * web host: a file encrypted with a passphrase, or memory only. `acceptPlaintext` follows the
 * setting that allows basic_text.
 */
async function openShellKeyStore(dataDir: string): Promise<{ keys: KeyStoreChooser; acceptPlaintext: (v: boolean) => void }> {
  let accept = false;
  const safeFile = join(dataDir, 'keys.safe-storage.json');
  const safe = new SafeStorageSecretStore(safeFile, () => accept);
  const keychain = safeStorage.isEncryptionAvailable() && (safe.secure || existsSync(safeFile));
  const keys = await KeyStoreChooser.open(dataDir, { keychain, keychainStore: () => safe });
  return { keys, acceptPlaintext: (v) => (accept = v) };
}

/** Links open in the browser only when the URL policy allows them; folders in the file manager. */
const osShellPorts: Pick<CourierPorts, 'openExternal' | 'openFolder'> = {
  openExternal: async (url) => {
    const verdict = checkExternalUrl(url);
    if (verdict.ok) await shell.openExternal(verdict.url);
  },
  openFolder: async (path) => {
    const failed = await shell.openPath(path); // '' on success, else the reason
    if (failed) throw new Error(failed);
  },
};
