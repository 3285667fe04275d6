// The shell's start-up, run for real against the Electron stand-in: the single-instance lock,
// the hardened window, app:// with its CSP, navigation, IPC sender checks and power events.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { requestChannel } from '../../shared/contract';
import { startShell } from '../../main/app/shell';
import { buildCsp } from '../../main/core/security/csp';
import { electronEvent, standin } from '../electron-standin';
import { MAIN_FRAME, startTestShell, type ShellEnv } from '../support/shell-env';

let env: ShellEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

describe('single instance', () => {
  test('a second launch focuses the first window', async () => {
    env = await startTestShell();
    const [win] = standin.windows;
    expect(standin.windows).toHaveLength(1);
    win!.hide();
    win!.minimized = true;
    win!.focused = false;
    standin.secondLaunch();
    expect(standin.windows).toHaveLength(1); // the same window, not a new one
    expect(win).toMatchObject({ visible: true, minimized: false, focused: true });
  });

  test('without the lock, the new process quits and touches nothing', async () => {
    standin.reset();
    standin.lockAvailable = false;
    const handle = startShell({ dataDir: '/nonexistent/must-not-be-created' });
    expect(handle.primary).toBe(false);
    expect(await handle.ready).toBeNull();
    expect(standin.quitRequested).toBe(1);
    expect(standin.windows).toHaveLength(0);
    expect(standin.trays).toHaveLength(0);
    expect(standin.ipcHandlers.size).toBe(0);
  });
});

describe('the window', () => {
  test('is created sandboxed, isolated and without Node, loading app://', async () => {
    env = await startTestShell();
    expect(standin.sandboxEnabled).toBe(true);
    const [win] = standin.windows;
    expect(win!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win!.options.webPreferences?.preload).toMatch(/preload[/\\]index\.cjs$/);
    expect(win!.loaded).toEqual(['app://courier/index.html']);
    expect(win!.visible).toBe(true);
  });

  test('navigation away from the app is blocked and opened in the browser; new windows are denied', async () => {
    env = await startTestShell();
    const wc = standin.windows[0]!.contents;
    const away = electronEvent({ url: 'https://example.com/docs' });
    wc.emit('will-navigate', away);
    expect(away.defaultPrevented).toBe(true);
    expect(standin.opened).toEqual(['https://example.com/docs']);
    const inside = electronEvent({ url: 'app://courier/index.html#/jobs' });
    wc.emit('will-navigate', inside);
    expect(inside.defaultPrevented).toBe(false);
    const webview = electronEvent();
    wc.emit('will-attach-webview', webview);
    expect(webview.defaultPrevented).toBe(true);
    expect(wc.windowOpenHandler?.({ url: 'https://example.org/' } as never)).toEqual({ action: 'deny' });
  });
});

describe('app://', () => {
  test('is registered privileged and serves the renderer build with the CSP header', async () => {
    env = await startTestShell();
    expect(standin.privilegedSchemes).toEqual([
      expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
    const page = await standin.fetch('app://courier/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Courier</title>');
    const script = await standin.fetch('app://courier/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-security-policy')).toBe(buildCsp());
    expect(buildCsp()).toContain("default-src 'none'");
  });

  test.each([
    'app://courier/..%2fsecret.txt',
    'app://courier/assets/..%2f..%2fsecret.txt',
    'app://courier/%2e%2e%2fsecret.txt',
    'app://courier/..%5csecret.txt',
    'app://courier/assets/',
    'app://other-host/index.html',
  ])('refuses %s', async (url) => {
    env ??= await startTestShell();
    const res = await standin.fetch(url);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('not for the renderer');
  });

  test('refuses anything but GET', async () => {
    env = await startTestShell();
    expect((await standin.fetch('app://courier/index.html', { method: 'POST', body: 'x' })).status).toBe(404);
  });
});

describe('IPC', () => {
  const info = requestChannel('app', 'info');

  test('answers our main frame', async () => {
    env = await startTestShell();
    const res = (await standin.invoke(info, {}, { url: 'app://courier/index.html', parent: null })) as { ok: boolean; value: { shell: string } };
    expect(res).toMatchObject({ ok: true, value: { shell: 'electron' } });
  });

  test.each([
    ['a subframe of our page', { url: 'app://courier/index.html', parent: {} }],
    ['a main frame that navigated elsewhere', { url: 'https://evil.example/', parent: null }],
    ['a file:// page', { url: 'file:///tmp/x.html', parent: null }],
    ['an unknown frame', null],
  ])('refuses %s', async (_what, frame) => {
    env ??= await startTestShell();
    const res = await standin.invoke(info, {}, frame);
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
  });

  test('Open folder shows a downloaded folder through shell.openPath, and nothing outside the download folder', async () => {
    env = await startTestShell();
    const root = join(env.dataDir, '..', 'downloads');
    env.courier.settings.update({ downloads: { folder: root } });
    await mkdir(join(root, 'results'), { recursive: true });
    const open = requestChannel('app', 'openFolder');
    expect(await standin.invoke(open, { path: join(root, 'results') }, MAIN_FRAME)).toMatchObject({ ok: true, value: { opened: true } });
    expect(await standin.invoke(open, { path: env.dataDir }, MAIN_FRAME)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(standin.openedFolders).toEqual([join(root, 'results')]);
  });

  test('every contract request has a handler', async () => {
    env = await startTestShell();
    expect([...standin.ipcHandlers.keys()].sort()).toEqual([...env.courier.router.channels].sort());
  });
});

describe('power events', () => {
  test('suspend pauses the job poller, resume wakes it at once', async () => {
    env = await startTestShell();
    const pause = vi.spyOn(env.courier.jobs.poller, 'pause');
    const resume = vi.spyOn(env.courier.jobs.poller, 'resume');
    standin.power('suspend');
    expect(pause).toHaveBeenCalledTimes(1);
    expect(resume).not.toHaveBeenCalled();
    standin.power('resume');
    expect(resume).toHaveBeenCalledTimes(1);
  });
});
