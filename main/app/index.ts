// Electron entry: the thin shell. It hardens Electron, serves the renderer over app://, hands
// core its ports (paths, secrets, settings, notifications, proxy, power events) and bridges the
// contract over IPC. Closing the window keeps transfers running in the tray (configurable).
import { app, BrowserWindow, dialog, powerMonitor, session, shell } from 'electron';
import { join } from 'node:path';
import { createCourier, type Courier } from '../core/courier';
import { installLastResort } from '../core/last-resort';
import { defaultDataDir } from '../core/paths';
import { localSandboxLauncher } from '../core/platforms/sandbox';
import { checkExternalUrl } from '../core/security/url-policy';
import { ElectronStoreSettingsBackend } from './electron-settings';
import { registerIpc } from './ipc-bridge';
import { electronNotifier } from './notifier';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol';
import { SafeStorageSecretStore } from './safe-storage-secrets';
import { hardenNavigation, hardenSessions } from './security';
import { createTray, type TrayHandle } from './tray';
import { createMainWindow, outDir } from './window';

app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Courier owns the journal and the outbox: hand over to it and leave.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let courier: Courier | null = null;
  let tray: TrayHandle | null = null;
  let quitting = false;
  const assetsDir = outDir('..', 'assets');

  // Instead of Electron's default (a dialog, then carrying on whatever the state): the same
  // policy as the web host. A connection error or a lost promise is logged and the app goes on;
  // an uncaught exception is logged, explained, and ends the app (transfers resume next start).
  installLastResort({
    log: (level, message, detail) => {
      courier?.activity.add(level, 'app', message);
      console.error(detail && level === 'error' ? `${message}\n${detail}` : message);
    },
    exit: (code) => {
      dialog.showErrorBox('Courier stopped after an unexpected error', 'Unfinished transfers and queued job submissions continue the next time Courier starts. The details are in the activity log.');
      app.exit(code);
    },
  });

  const showWindow = (hash = '') => {
    if (!mainWindow || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow(outDir('preload', 'index.cjs'), join(assetsDir, 'icon.png'));
      mainWindow.on('close', (e) => {
        // Keep working in the tray instead of quitting (unless the user quits, or turned it off).
        if (!quitting && courier?.settings.get().app.keepRunningInTray && tray) {
          e.preventDefault();
          mainWindow?.hide();
        }
      });
    }
    if (hash) void mainWindow.loadURL(`${APP_ORIGIN}/index.html${hash}`);
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  /** Quitting with transfers in flight asks first: they resume next time, but people should know. */
  const quit = async () => {
    const active = tray?.activeTransfers() ?? 0;
    if (active > 0) {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Keep running in the tray', 'Quit anyway', 'Cancel'],
        defaultId: 0,
        cancelId: 2,
        message: `${active} transfer(s) are still running.`,
        detail: 'If you quit, they stop now and continue where they left off the next time Courier starts.',
      });
      if (response === 0) return void mainWindow?.hide();
      if (response === 2) return;
    }
    quitting = true;
    app.quit();
  };

  app.on('second-instance', () => showWindow());
  hardenNavigation(APP_ORIGIN);

  void app.whenReady().then(async () => {
    hardenSessions();
    serveRenderer(outDir('renderer'));
    const dataDir = defaultDataDir();
    let acceptPlaintext = false;
    const sandbox = localSandboxLauncher(dataDir);
    courier = await createCourier({
      shell: 'electron',
      version: app.getVersion(),
      dataDir,
      secrets: new SafeStorageSecretStore(join(dataDir, 'keys.safe-storage.json'), () => acceptPlaintext),
      settingsBackend: new ElectronStoreSettingsBackend(dataDir),
      launchSandbox: sandbox.launch,
      transferWorkerFile: outDir('main', 'transfer-worker.js'),
      notifier: electronNotifier(join(assetsDir, 'notification.png'), (jobId) => showWindow(`#/jobs/${encodeURIComponent(jobId)}`)),
      systemProxy: { rules: (url) => session.defaultSession.resolveProxy(url) }, // OS settings, PAC and WPAD, as Chromium sees them
      openExternal: async (url) => {
        const verdict = checkExternalUrl(url);
        if (verdict.ok) await shell.openExternal(verdict.url);
      },
      openFolder: async (path) => {
        const failed = await shell.openPath(path); // '' on success, else the reason
        if (failed) throw new Error(failed);
      },
    });
    acceptPlaintext = courier.settings.get().app.acceptPlaintextKeyStorage;
    courier.settings.onChange((st) => (acceptPlaintext = st.app.acceptPlaintextKeyStorage));
    registerIpc(courier, APP_ORIGIN);
    // Resume unfinished transfers from the journal right away, not on first use.
    void courier.transfers();
    // No polling while the machine sleeps; a fresh look when it wakes.
    powerMonitor.on('suspend', () => courier?.jobs.pause());
    powerMonitor.on('resume', () => courier?.jobs.resume());
    tray = createTray(courier, assetsDir, showWindow, () => void quit());
    showWindow();
    app.on('activate', () => showWindow());
    app.on('will-quit', () => void sandbox.stop());
  });

  app.on('before-quit', () => (quitting = true));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' && !tray) app.quit();
  });
  app.on('will-quit', () => void courier?.close());
}
