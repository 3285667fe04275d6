import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// Playwright `_electron` tests of the real shell. They need the Electron binary, which cannot
// be downloaded on CI; without it they skip with exactly one line saying so.
function electronBinary(): string | null {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) console.log('e2e-electron: skipped — no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1); the UI is covered in Chromium via the web host.');

describe.skipIf(!binary)('the Electron shell', () => {
  let app: ElectronApplication;
  let page: Page;
  beforeAll(async () => {
    if (!existsSync('out/main/index.js')) execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
    app = await _electron.launch({
      executablePath: binary!,
      args: ['out/main/index.js', '--no-sandbox'],
      env: { ...process.env, COURIER_DATA_DIR: mkdtempSync(join(tmpdir(), 'courier-electron-')) },
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });
  afterAll(async () => {
    await app?.close();
  });

  test('opens the window on app:// with the preload API', async () => {
    expect(page.url()).toMatch(/^app:\/\/courier\//);
    expect(await page.evaluate(() => typeof (globalThis as { courier?: object }).courier)).toBe('object');
    expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
  });

  test('sets the CSP header', async () => {
    const csp = await page.evaluate(async () => (await fetch((globalThis as unknown as { location: { href: string } }).location.href)).headers.get('content-security-policy'));
    expect(csp).toContain("script-src 'self'");
  });

  test('blocks navigation away from the app', async () => {
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/courier\//);
  });
});
