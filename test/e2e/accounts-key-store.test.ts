import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { launchChromium } from '../support/chromium';
import { portsOf, startCourierWeb, type CourierWeb } from './support/courier-web';
import { openApp, shotPath } from './support/ui';

// Where no OS keychain answers, keys live in memory only. The sign-in form says so before the
// key is typed; the sidebar names the active account and switches; and after a restart (a new,
// empty memory store) the main window asks for the lost key in place instead of failing.
describe('accounts: the active account, and a key store that forgets', () => {
  let web: CourierWeb;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    web = await startCourierWeb();
    browser = await launchChromium();
    ({ page, errors } = await openApp(browser, web));
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  test('the sign-in form says the key stays in memory only, then the sidebar shows the account', async () => {
    await page.locator('#first-run-title').waitFor();
    await page.getByLabel('API key').waitFor();
    const hint = await page.getByLabel('API key').getAttribute('aria-describedby').then((id) => page.locator(`[id="${id}"]`).textContent());
    expect(hint).toContain('kept in memory only: Courier asks for it again after a restart');
    expect(hint).not.toContain('never in a file');

    await page.getByLabel('Platform').selectOption('sandbox');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#transfers-title').waitFor({ timeout: 30_000 });
    const switcher = page.getByLabel('Active account');
    expect(await switcher.locator('option:checked').textContent()).toBe('Sandbox');
    expect(await page.getByTestId('active-platform').textContent()).toBe('Sandbox (local, no account needed)');
  });

  test('a second account can be made active from the sidebar', async () => {
    const sb = web.sandbox();
    const other = await web.call('accounts', 'add', { platform: { kind: 'custom', apiUrl: sb.apiUrl }, apiKey: sb.token, label: 'Lab account' });
    await page.getByLabel('Active account').locator('option', { hasText: 'Lab account' }).waitFor({ state: 'attached' });
    await page.getByLabel('Active account').selectOption({ label: 'Lab account' });
    await expect.poll(() => web.courier.settings.get().activeAccountId).toBe(other.id);
    expect(await page.getByTestId('active-platform').textContent()).toBe(new URL(sb.apiUrl).host);
    await page.locator('.sidebar').screenshot({ path: shotPath('active-account') });
    await page.screenshot({ path: shotPath('active-account-window') });
  });

  test('after a restart, the lost key is asked for in place, and Jobs works once it is given', async () => {
    const { dataDir } = web;
    const ports = portsOf(web);
    const token = web.sandbox().token;
    await page.close();
    await web.stop();
    web = await startCourierWeb({ dataDir, secrets: new MemorySecretStore(), ...(ports ? { ports } : {}) });
    ({ page, errors } = await openApp(browser, web));
    await page.click('nav a[data-view="jobs"]');
    await page.getByRole('heading', { name: 'Enter the API key of Lab account again' }).waitFor();
    expect(await page.getByText('No jobs yet').count()).toBe(0);
    expect(await page.getByText('kept in memory only and was forgotten when Courier stopped').count()).toBe(1);

    await page.getByRole('textbox', { name: 'API key' }).fill('not-the-right-key-at-all');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByText('did not accept this API key').waitFor();
    await page.getByRole('textbox', { name: 'API key' }).fill(token);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.locator('#jobs-title').waitFor();
    await page.getByRole('button', { name: 'Launch a job…' }).waitFor();
    expect(await page.locator('.view .error[role="alert"]').count()).toBe(0);

    // The Sandbox account has no key to paste: one button signs in to it again.
    await page.getByLabel('Active account').selectOption({ label: 'Sandbox' });
    await page.getByRole('button', { name: 'Sign in to the Sandbox again' }).click();
    await page.locator('#jobs-title').waitFor();
    expect(errors).toEqual([]);
  });
});
