import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { portsOf, startCourierWeb, type CourierWeb } from './support/courier-web';
import { go, openApp, withSignedInApp } from './support/ui';

// Settings made in the UI survive a restart of the app on the same data folder, and the whole
// UI speaks Japanese when asked.
describe('settings and language', () => {
  let web: CourierWeb;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  const app = withSignedInApp({}, (app) => ({ web, browser, page, errors } = app));

  test('settings persist across a restart', async () => {
    const folder = join(web.dataDir, 'my-downloads');
    await go(page, 'settings');
    await page.getByLabel('Part size (MiB)').fill('32');
    await page.getByLabel('Download folder').fill(folder);
    await page.getByLabel('Download folder').blur();
    await page.getByLabel('Theme').selectOption('dark');
    await page.getByLabel('All transfers are done').check();
    await expect.poll(() => web.courier.settings.get().downloads.folder).toBe(folder);
    await expect.poll(() => web.courier.settings.get().appearance.theme).toBe('dark');
    expect(web.courier.settings.get().transfers.partSizeMiB).toBe(32);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { documentElement: { dataset: Record<string, string> } } }).document.documentElement.dataset.theme,
      ),
    ).toBe('dark');

    // Restart: same data folder, same keychain, the sandbox on the same ports.
    const { dataDir, secrets } = web;
    const ports = portsOf(web);
    await page.close();
    await web.stop();
    web = app.web = await startCourierWeb({ dataDir, secrets, ...(ports ? { ports } : {}) });
    ({ page, errors } = await openApp(browser, web));
    await page.locator('#transfers-title').waitFor(); // signed in still: no first-run screen
    await go(page, 'settings');
    expect(await page.getByLabel('Part size (MiB)').inputValue()).toBe('32');
    expect(await page.getByLabel('Download folder').inputValue()).toBe(folder);
    expect(await page.getByLabel('Theme').inputValue()).toBe('dark');
    expect(await page.getByLabel('All transfers are done').isChecked()).toBe(true);
    expect(await page.locator('html').getAttribute('data-theme')).toBe('dark');
    await expect.poll(() => page.locator('.account').count()).toBe(1);
  });

  test('Japanese: switching the language in Settings translates every view', async () => {
    await page.getByLabel('Language').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    expect(await page.locator('#settings-title').textContent()).toBe('設定');
    expect(await page.locator('nav a[data-view="transfers"]').textContent()).toBe('転送');
    await go(page, 'transfers');
    expect(await page.locator('#transfers-title').textContent()).toBe('転送');
    await page.locator('.empty-state', { hasText: 'ファイルやフォルダーをこのウィンドウのどこかにドロップ' }).waitFor();
    expect(await page.getByRole('button', { name: 'すべて一時停止' }).count()).toBe(1);
    await go(page, 'templates');
    await page.getByRole('heading', { name: '組み込みプリセット' }).waitFor();
    expect(await page.getByRole('button', { name: 'Chainer GPU (Hello Chainer!) を起動' }).count()).toBe(1);
    await go(page, 'jobs');
    await page.getByRole('button', { name: 'ジョブを起動…' }).waitFor();
    await go(page, 'files');
    await page.getByRole('button', { name: '最近のファイル' }).waitFor();
    await page.getByRole('navigation', { name: 'フォルダーのパス' }).waitFor();
    await go(page, 'settings');
    await page.getByLabel('言語').selectOption('en');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(errors).toEqual([]);
  });

  test('a checkbox and a list show what was chosen while the save is on its way, and keep it once saved', async () => {
    // Every settings update this page sends is held back until the test releases it.
    const held: (() => void)[] = [];
    const { page: slow, context } = await openApp(browser, web, {
      setup: (c) =>
        c.routeWebSocket('**/rpc', (ws) => {
          const server = ws.connectToServer();
          ws.onMessage((m) => {
            const ch = (JSON.parse(String(m)) as { ch?: string }).ch ?? '';
            if (/settings/i.test(ch) && /update/i.test(ch)) held.push(() => server.send(m));
            else server.send(m);
          });
          server.onMessage((m) => ws.send(m));
        }),
    });
    try {
      await go(slow, 'settings');
      const box = slow.getByLabel('A job finished');
      const before = web.courier.settings.get().notifications.jobFinished;
      expect(await box.isChecked()).toBe(before);
      await box.click();
      await expect.poll(() => held.length).toBe(1);
      expect(await box.isChecked()).toBe(!before); // shown at once, with the save still held
      expect(web.courier.settings.get().notifications.jobFinished).toBe(before);
      held.shift()?.();
      await expect.poll(() => web.courier.settings.get().notifications.jobFinished).toBe(!before);
      expect(await box.isChecked()).toBe(!before);

      const theme = slow.getByLabel('Theme', { exact: true });
      const was = web.courier.settings.get().appearance.theme;
      const next = was === 'dark' ? 'light' : 'dark';
      await theme.selectOption(next);
      await expect.poll(() => held.length).toBe(1);
      expect(await theme.inputValue()).toBe(next); // not flipped back to the saved value
      expect(web.courier.settings.get().appearance.theme).toBe(was);
      held.shift()?.();
      await expect.poll(() => web.courier.settings.get().appearance.theme).toBe(next);
      expect(await theme.inputValue()).toBe(next);
    } finally {
      await context.close();
    }
  });

  test('the proxy password goes to the keychain only, and can be forgotten', async () => {
    await go(page, 'settings');
    await page.getByLabel('Proxy', { exact: true }).selectOption('explicit');
    await page.getByLabel('Proxy address').fill('http://127.0.0.1:9');
    await page.getByLabel('Proxy address').blur();
    await page.getByLabel('Proxy user name').fill('alice');
    await page.getByLabel('Proxy user name').blur();
    await page.getByLabel('Proxy password').fill('correct horse');
    await page.getByLabel('Proxy password').blur();
    await expect.poll(() => web.secrets.get('proxy')).toBe('correct horse');
    await page.getByText('A password is saved in the keychain').waitFor();
    expect(await page.getByLabel('Proxy password').inputValue()).toBe(''); // never shown again
    expect(JSON.stringify(web.courier.settings.get())).not.toContain('correct horse');
    if (process.env.SCREENSHOTS)
      await page
        .locator('#network-h')
        .locator('..')
        .screenshot({ path: join(process.env.SCREENSHOTS, 'settings-network.png') });

    await page.getByRole('button', { name: 'Forget password' }).click();
    await expect.poll(() => web.secrets.get('proxy')).toBeNull();
    await page.getByText('Kept in the system keychain').waitFor();
    await page.getByLabel('Proxy', { exact: true }).selectOption('system');
    await expect.poll(() => web.courier.settings.get().network.proxy).toBe('system');
    // In a browser, "system" is the host process's environment (the desktop app asks the OS).
    await expect
      .poll(() =>
        page
          .getByLabel('Proxy', { exact: true })
          .getAttribute('aria-describedby')
          .then((id) => page.locator(`[id="${id}"]`).textContent()),
      )
      .toMatch(/^The HTTP_PROXY, HTTPS_PROXY and NO_PROXY variables/);
    expect(errors).toEqual([]);
  });
});
