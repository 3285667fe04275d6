import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, watchConsole } from '../support/chromium';
import { startWebApp, type WebApp } from '../support/web-app';

const views = ['transfers', 'jobs', 'sweeps', 'templates', 'files', 'settings', 'activity'];

describe('the app in Chromium via the web host', () => {
  let app: WebApp;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchChromium();
    mkdirSync('test-results/screenshots', { recursive: true });
    page = await browser.newPage();
    errors = watchConsole(page);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('opens with the token link and shows the first-run sign-in', async () => {
    await page.goto(app.host.url);
    expect(page.url()).not.toContain('token='); // moved into an HttpOnly cookie
    await page.locator('#first-run-title').waitFor();
    await page.screenshot({ path: 'test-results/screenshots/first-run.png' });
  });

  test('signs in to the Sandbox and shows who you are', async () => {
    await page.getByLabel('Platform').selectOption('sandbox');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The first-run screen gives way to the app once an account exists.
    await page.locator('#transfers-title').waitFor({ timeout: 30_000 });
    const state = await app.courier.accounts.list();
    expect(state).toHaveLength(1);
    expect(state[0]).toMatchObject({ label: 'Sandbox', active: true });
  });

  test('every top-level view can be reached, with no console errors', async () => {
    for (const v of views) {
      await page.click(`nav a[data-view="${v}"]`);
      await page.locator(`#${v}-title`).waitFor();
      expect(page.url()).toContain(`#/${v}`);
    }
    await page.click('nav a[data-view="settings"]');
    await expect.poll(() => page.locator('.account').count()).toBe(1);
    await page.screenshot({ path: 'test-results/screenshots/settings.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  test('deep links open the named view', async () => {
    const other = await browser.newPage();
    await other.goto(app.host.url);
    await other.goto(`${app.host.origin}/#/activity`);
    await other.locator('#activity-title').waitFor();
    await other.close();
  });
});
