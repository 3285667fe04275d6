// The renderer against a stand-in backend (fake-page.js): the built app is served from
// out/renderer on a made-up origin and the WebSocket is replaced in the page. Used by the
// burst test and the render benchmark.
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { settingsSchema } from '../../../shared/settings';
import { rendererOutDir } from '../../../main/web/renderer-build';

export const FAKE_ORIGIN = 'http://courier.test';

export interface FakeMarks {
  listSentAt: number;
  firstRowsAt: number;
  longest: number;
  longTasks: number;
  applied: number;
}

const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function fixture(count: number, theme: 'light' | 'dark') {
  const account = {
    id: 'acc1',
    label: 'Sandbox',
    platform: { kind: 'sandbox' as const, apiUrl: 'http://127.0.0.1:1', s3Endpoint: 'http://127.0.0.1:2' },
    email: 'you@example.com',
    addedAt: 0,
  };
  const settings = settingsSchema.parse({ version: 2, accounts: [account], activeAccountId: 'acc1', appearance: { language: 'en', theme } });
  const accounts = [{ id: 'acc1', label: 'Sandbox', platformLabel: 'Sandbox', apiUrl: account.platform.apiUrl, email: account.email, active: true }];
  return { count, settings, accounts };
}

/** A page on the fake app with `count` transfers; nothing else is reachable from it. */
export async function openFakeApp(browser: Browser, o: { count: number; theme?: 'light' | 'dark' }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  await context.route(`${FAKE_ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = normalize(join(rendererOutDir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(rendererOutDir)) return route.fulfill({ status: 404 });
    try {
      const ext = file.slice(file.lastIndexOf('.'));
      await route.fulfill({ status: 200, body: readFileSync(file), contentType: types[ext] ?? 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  const script = readFileSync(new URL('./fake-page.js', import.meta.url), 'utf8');
  await context.addInitScript({ content: `${script}\nglobalThis.installFakeCourier(${JSON.stringify(fixture(o.count, o.theme ?? 'light'))});` });
  const page = await context.newPage();
  return { context, page };
}

export function marks(page: Page): Promise<FakeMarks> {
  return page.evaluate(() => (globalThis as unknown as { __fake: { marks: FakeMarks } }).__fake.marks);
}

export function burst(page: Page, n: number): Promise<number> {
  return page.evaluate((count) => (globalThis as unknown as { __fake: { burst(n: number): Promise<number> } }).__fake.burst(count), n);
}

/** Sends a transfersProgress batch built in the page from item `index`, changed by `patch`, with this seq. */
export function sendProgress(page: Page, o: { index: number; seq: number; patch: Record<string, unknown> }): Promise<void> {
  return page.evaluate(({ index, seq, patch }) => {
    const fake = (globalThis as unknown as { __fake: { item(i: number): object; emit(name: string, payload: unknown): void } }).__fake;
    const overall = { bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: null, active: 0 };
    fake.emit('transfersProgress', { seq, items: [{ ...fake.item(index), ...patch }], overall });
  }, o);
}
