// Electron entry: the thin shell. It hardens Electron, serves the renderer over app://, hands
// core its ports (paths, secrets, settings, notifications) and bridges the contract over IPC.
import { app, BrowserWindow, session, shell } from 'electron';
import { join } from 'node:path';
import { createCourier, type Courier } from '../core/courier';
import { defaultDataDir } from '../core/paths';
import { localSandboxLauncher } from '../core/platforms/sandbox';
import { checkExternalUrl } from '../core/security/url-policy';
import { ElectronStoreSettingsBackend } from './electron-settings';
import { registerIpc } from './ipc-bridge';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './protocol';
import { hardenNavigation, hardenSessions } from './security';
import { SafeStorageSecretStore } from './safe-storage-secrets';
import { createMainWindow, outDir } from './window';

app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Courier owns the journal and the outbox: hand over to it and leave.
  app.quit();
} else {
  let mainWindow: BrowserWindow | null = null;
  let courier: Courier | null = null;
  const showWindow = () => {
    if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow(outDir('preload', 'index.cjs'), outDir('..', 'assets', 'icon.png'));
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  app.on('second-instance', showWindow);
  hardenNavigation(APP_ORIGIN);

  void app.whenReady().then(async () => {
    hardenSessions();
    serveRenderer(join(outDir('renderer')));
    const dataDir = defaultDataDir();
    let acceptPlaintext = false;
    const sandbox = localSandboxLauncher(dataDir);
    app.on('will-quit', () => void sandbox.stop());
    courier = await createCourier({
      shell: 'electron',
      version: app.getVersion(),
      dataDir,
      secrets: new SafeStorageSecretStore(join(dataDir, 'keys.safe-storage.json'), () => acceptPlaintext),
      settingsBackend: new ElectronStoreSettingsBackend(dataDir),
      launchSandbox: sandbox.launch,
      resolveSystemProxy: async (url) => {
        const rule = await session.defaultSession.resolveProxy(url);
        const m = /^(PROXY|HTTPS)\s+([^;\s]+)/.exec(rule);
        return m ? `${m[1] === 'HTTPS' ? 'https' : 'http'}://${m[2]}` : null;
      },
      openExternal: async (url) => {
        const verdict = checkExternalUrl(url);
        if (verdict.ok) await shell.openExternal(verdict.url);
      },
    });
    acceptPlaintext = courier.settings.get().app.acceptPlaintextKeyStorage;
    courier.settings.onChange((st) => (acceptPlaintext = st.app.acceptPlaintextKeyStorage));
    registerIpc(courier, APP_ORIGIN);
    showWindow();
    app.on('activate', showWindow);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => void courier?.close());
}
