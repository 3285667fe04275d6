import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Playwright `_electron` tests of the real shell: the same scenarios as test/shell/ (which runs
// main/app against a stand-in for Electron), where a real binary can show them. They need the
// Electron binary, which cannot be downloaded on CI; without it they skip with exactly one line
// saying so. How to run them: test/e2e-electron/README.md.
function electronBinary(): string | null {
  try {
    // The electron package's own lookup (its index.js), without requiring it: path.txt names
    // the executable; ELECTRON_OVERRIDE_DIST_PATH points at an unpacked Electron elsewhere.
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
    const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
    const bin = override ? join(override, name ?? 'electron') : name ? join(pkgDir, 'dist', name) : null;
    return bin && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary)
  console.log(
    'e2e-electron: skipped — no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the shell runs against a stand-in in test/shell, the UI in Chromium via the web host.',
  );

const SECRET = 'proxy-pass-e2e-3b9d-do-not-leak';
/** The part of Electron's Menu read here (Menu.items: MenuItem[]). */
type Menu = { items: { label: string; click(): void }[] };

describe.skipIf(!binary)('the Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;
  let dataDir: string;
  const args = ['out/main/index.js', '--no-sandbox'];
  const env = () => ({ ...process.env, COURIER_DATA_DIR: dataDir });
  /** A request through the real preload and IPC bridge. */
  const call = (domain: string, method: string, input: unknown) =>
    page.evaluate(
      ([d, m, i]) =>
        (globalThis as unknown as { courier: Record<string, Record<string, (x: unknown) => Promise<unknown>>> }).courier[d as string]![m as string]!(i),
      [domain, method, input] as const,
    ) as Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>;

  beforeAll(async () => {
    if (!existsSync('out/main/index.js')) execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
    dataDir = mkdtempSync(join(tmpdir(), 'courier-electron-'));
    app = await _electron.launch({ executablePath: binary!, args, env: env() });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
  });

  test('opens the window on app:// with the preload API and the hardened webPreferences in effect', async () => {
    expect(page.url()).toMatch(/^app:\/\/courier\//);
    expect(await page.evaluate(() => typeof (globalThis as { courier?: object }).courier)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    // The preferences in effect, as the page sees them: no Node, no process (sandbox and
    // context isolation), a frozen API, no <webview>.
    const seen = await page.evaluate(() => {
      const g = globalThis as unknown as { process?: unknown; courier: object; document: { createElement(t: string): object } };
      return { process: typeof g.process, frozen: Object.isFrozen(g.courier), webview: g.document.createElement('webview').constructor.name };
    });
    expect(seen).toEqual({ process: 'undefined', frozen: true, webview: 'HTMLUnknownElement' });
  });

  test('sets the CSP header and refuses paths outside the renderer build', async () => {
    const fetchStatus = (url: string) =>
      page.evaluate(async (u) => {
        const r = await fetch(u);
        return { status: r.status, csp: r.headers.get('content-security-policy') };
      }, url);
    const here = await page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href);
    expect((await fetchStatus(here)).csp).toContain("script-src 'self'");
    expect((await fetchStatus('app://courier/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await fetchStatus('app://courier/..%2fmain%2Findex.js')).status).toBe(404);
  });

  test('blocks navigation away from the app', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForURL(/^app:\/\/courier\//);
    expect(page.url()).toMatch(/^app:\/\/courier\//);
  });

  test('a second launch hands over to the first and focuses its window', async () => {
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.hide());
    const second = spawn(binary!, args, { env: env(), stdio: 'ignore' });
    const [code] = (await once(second, 'exit')) as [number | null];
    expect(code).toBe(0);
    await expect.poll(() => app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([true]);
  });

  test('safeStorage: keys are stored encrypted, or refused on basic_text until accepted', async () => {
    const backend = await app.evaluate(({ safeStorage }) => (process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : 'os'));
    if (backend === 'basic_text') {
      expect(await call('settings', 'setProxyPassword', { password: SECRET })).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await call('settings', 'update', { app: { acceptPlaintextKeyStorage: true } });
    }
    expect(await call('settings', 'setProxyPassword', { password: SECRET })).toMatchObject({ ok: true });
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.map((f) => f.name)).toContain('keys.safe-storage.json');
    if (backend !== 'basic_text') for (const f of files) expect(readFileSync(join(f.parentPath, f.name), 'latin1')).not.toContain(SECRET);
  });

  test('quitting with a submission queued asks; "keep running in the tray" keeps the app, "quit anyway" quits', async () => {
    // Sign in to the app's own local sandbox; answer the quit question from a stub.
    expect(await call('accounts', 'addSandbox', {})).toMatchObject({ ok: true });
    await app.evaluate(async ({ dialog }) => {
      const answers = [0, 1]; // keep running in the tray, then quit anyway
      const g = globalThis as unknown as { asked: string[] };
      g.asked = [];
      dialog.showMessageBox = (async (...a: unknown[]) => {
        const o = a.at(-1) as { message: string };
        g.asked.push(o.message);
        return { response: answers.shift() ?? 2, checkboxChecked: false };
      }) as typeof dialog.showMessageBox;
    });
    // A submission the platform cannot take yet: its input is still uploading (throttled).
    await call('settings', 'update', { transfers: { bandwidthBytesPerSecond: 64 * 1024 } });
    const input = join(dataDir, 'big-input.bin');
    writeFileSync(input, Buffer.alloc(64 * 1024 * 120)); // two minutes at the minimum rate
    expect(await call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: input }], name: 'e2e quit' })).toMatchObject({ ok: true });

    await app.evaluate(({ app: a }) => a.quit());
    await expect.poll(() => app.evaluate(() => (globalThis as unknown as { asked: string[] }).asked.length)).toBe(1);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1); // still there (hidden)

    const closed = app.waitForEvent('close');
    await app.evaluate(({ app: a }) => a.quit());
    await closed;

    // The next start still has the submission (the outbox survived the quit).
    app = await _electron.launch({ executablePath: binary!, args, env: env() });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    const list = (await call('jobs', 'list', {})) as { ok: boolean; value: { outbox: { jobName: string }[] } };
    expect(list.value.outbox.map((e) => e.jobName)).toContain('e2e quit');
  });

  test('the tray menu shows the account, the upload and the queued submission; its pause item pauses', async () => {
    // Electron cannot read a tray's menu back: keep the last one the shell sets, then make it
    // render again (it does on every settings change).
    await app.evaluate(({ Tray }) => {
      const g = globalThis as unknown as { trayMenu: unknown };
      const set = Tray.prototype.setContextMenu;
      Tray.prototype.setContextMenu = function (this: typeof Tray.prototype, menu: Parameters<typeof set>[0]) {
        g.trayMenu = menu;
        return set.call(this, menu);
      };
    });
    const labels = () => app.evaluate(() => ((globalThis as unknown as { trayMenu?: Menu }).trayMenu?.items ?? []).map((i) => i.label));
    await call('settings', 'update', { notifications: { jobFinished: true } });
    // Still uploading at the limited rate after the restart, so the submission waits.
    await expect
      .poll(labels, { timeout: 30_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Account: /), expect.stringMatching(/^Transfers: 1 active/), 'Jobs: 0 running, 1 queued']));
    await app.evaluate(() => {
      const menu = (globalThis as unknown as { trayMenu: Menu }).trayMenu;
      menu.items.find((i) => i.label === 'Pause all transfers')!.click();
    });
    await expect.poll(labels, { timeout: 30_000 }).toContain('No active transfers');
  });

  test('the queued job, once sent and finished, gives one notification; clicking it opens the job', async () => {
    // OS notifications cannot be observed: keep each one the shell shows (it is still shown).
    await app.evaluate(({ Notification }) => {
      const g = globalThis as unknown as { shown: InstanceType<typeof Notification>[] };
      g.shown = [];
      Notification.isSupported = () => true; // whether this desktop runs a notification server is not the point
      const show = Notification.prototype.show;
      Notification.prototype.show = function (this: InstanceType<typeof Notification>) {
        g.shown.push(this);
        return show.call(this);
      };
    });
    const titles = () => app.evaluate(() => (globalThis as unknown as { shown: { title: string }[] }).shown.map((n) => n.title));
    await call('settings', 'update', { transfers: { bandwidthBytesPerSecond: null }, downloads: { folder: join(dataDir, 'downloads') } });
    await call('transfers', 'resume', {});
    // Upload, submit, the local sandbox's 30 s run, the outputs, then the announcement.
    await expect.poll(titles, { timeout: 240_000, interval: 1000 }).toEqual(['Job finished: e2e quit']);
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.hide());
    await app.evaluate(() => void (globalThis as unknown as { shown: { emit(e: string): void }[] }).shown[0]!.emit('click'));
    await page.waitForURL(/#\/jobs\/[A-Za-z0-9]+$/);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.isVisible()))).toEqual([true]);
  }, 300_000);
});
