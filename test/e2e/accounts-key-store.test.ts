import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
    const hint = await page
      .getByLabel('API key')
      .getAttribute('aria-describedby')
      .then((id) => page.locator(`[id="${id}"]`).textContent());
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

// Where no keychain answers, the form offers an encrypted file: after a restart the app asks for
// its passphrase in place (never an empty list), and Settings names the store truthfully.
describe('accounts: an encrypted key file chosen at sign-in', () => {
  let web: CourierWeb;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    web = await startCourierWeb({ chooseKeyStore: true });
    browser = await launchChromium();
    ({ page, errors } = await openApp(browser, web));
  });
  afterAll(async () => {
    await browser?.close();
    await web?.stop();
  });

  test('the form offers an encrypted file or memory only, and keeps the key in the file', async () => {
    const sb = web.sandbox();
    await page.locator('#first-run-title').waitFor();
    await page.getByRole('group', { name: 'Where to keep the API key' }).waitFor();
    expect(await page.getByText('No system keychain answered on this computer. Choose where').count()).toBe(1);
    await page.getByLabel('Platform').selectOption('custom');
    await page.getByLabel('Platform address').fill(sb.apiUrl);
    await page.getByRole('radio', { name: /encrypted with a passphrase/ }).check();
    const hint = await page
      .getByLabel('API key')
      .getAttribute('aria-describedby')
      .then((id) => page.locator(`[id="${id}"]`).textContent());
    expect(hint).toContain('encrypted with your passphrase');
    await page.getByLabel('API key').fill(sb.token);
    await page.getByLabel('Passphrase', { exact: true }).fill('a long passphrase');
    await page.getByLabel('The same passphrase again').fill('a different one!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('The two passphrases differ').waitFor();
    expect(existsSync(join(web.dataDir, 'keys.encrypted.json'))).toBe(false);
    await page.getByLabel('The same passphrase again').fill('a long passphrase');
    await page.locator('.sign-in').screenshot({ path: shotPath('key-store-choice') });
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#transfers-title').waitFor({ timeout: 30_000 });
    const file = readFileSync(join(web.dataDir, 'keys.encrypted.json'), 'utf8');
    expect(file).toContain('aes-256-gcm');
    expect(file).not.toContain(sb.token);
  });

  test('after a restart the app asks for the passphrase in place; a wrong one is refused, the right one opens Jobs', async () => {
    const { dataDir } = web;
    const sb = web.sandbox();
    const ports = { port: Number(new URL(sb.apiUrl).port), s3Port: Number(new URL(sb.s3Endpoint).port) };
    await page.close();
    await web.stop();
    web = await startCourierWeb({ dataDir, chooseKeyStore: true, ports });
    ({ page, errors } = await openApp(browser, web));
    await page.click('nav a[data-view="jobs"]');
    await page.getByRole('heading', { name: 'Enter the passphrase of your key file' }).waitFor();
    expect(await page.getByText('No jobs yet').count()).toBe(0);
    expect(await page.locator('#first-run-title').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Passphrase' }).fill('not the passphrase');
    await page.getByRole('button', { name: 'Open the key file' }).click();
    await page.getByText('This passphrase does not open the key file').waitFor();
    await page.screenshot({ path: shotPath('key-file-unlock') });
    await page.getByRole('textbox', { name: 'Passphrase' }).fill('a long passphrase');
    await page.getByRole('button', { name: 'Open the key file' }).click();
    await page.locator('#jobs-title').waitFor();
    await page.getByRole('button', { name: 'Launch a job…' }).waitFor();
    expect(await page.locator('.view .error[role="alert"]').count()).toBe(0);
    await page.click('nav a[data-view="settings"]');
    await page.getByText('API keys are kept in: a file in the data folder, encrypted with your passphrase').waitFor();
    expect(errors).toEqual([]);
  });
});
