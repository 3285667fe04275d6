import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, watchConsole } from '../support/chromium';
import { startWebApp, type WebApp } from '../support/web-app';

const views = ['transfers', 'jobs', 'templates', 'files', 'settings', 'activity'];

describe('the app shell in Chromium via the web host', () => {
  let app: WebApp;
  let browser: Browser;
  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchChromium();
    mkdirSync('test-results/screenshots', { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('loads with the token link, reaches every view, logs no console errors', async () => {
    const page = await browser.newPage();
    const errors = watchConsole(page);
    await page.goto(app.host.url);
    // The token moved into a cookie and out of the address bar.
    expect(page.url()).not.toContain('token=');
    await expect.poll(() => page.locator('nav[aria-label="Main"] a').count()).toBe(views.length);
    for (const v of views) {
      await page.click(`nav a[data-view="${v}"]`);
      await page.locator(`#${v}-title`).waitFor();
      expect(page.url()).toContain(`#/${v}`);
    }
    // The transport is up: no "reconnecting" banner once a request has round-tripped.
    await page.click('nav a[data-view="activity"]');
    await expect.poll(() => page.getByText('Reconnecting').count()).toBe(0);
    await page.screenshot({ path: 'test-results/screenshots/app-shell.png' });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('deep links open the named view', async () => {
    const page = await browser.newPage();
    await page.goto(app.host.url.replace('/?', '/?') + '');
    await page.goto(`${app.host.origin}/#/settings`);
    await page.locator('#settings-title').waitFor();
    await page.close();
  });
});
