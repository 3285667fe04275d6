import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchConsole } from '../support/chromium';
import { ensureRendererBuilt } from '../../main/web/renderer-build';
import { burst, FAKE_ORIGIN, marks, openFakeApp, sendProgress } from './support/fake-courier';

// 10,000 transfers and a burst of 20,000 progress events against a stand-in backend: the list
// stays virtualized, every event lands, and the page never blocks for long.
describe('the transfers list under load', () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const rows = () => page.locator('.tbody [role="row"]');
  const focusedIndex = () =>
    page.evaluate(() =>
      (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute(
        'data-index',
      ),
    );

  beforeAll(async () => {
    await ensureRendererBuilt();
    browser = await launchChromium();
    ({ context, page } = await openFakeApp(browser, { count: 10_000 }));
    errors = watchConsole(page);
    await page.goto(`${FAKE_ORIGIN}/#/transfers`);
    await rows().first().waitFor();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
  });

  test('draws only the rows in view out of 10,000, and scrolls to the last', async () => {
    await expect.poll(() => page.locator('[role="table"]').getAttribute('aria-rowcount')).toBe('10001');
    const drawn = await rows().count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(60);
    await page.locator('.tbody-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[role="row"][data-id="t9999"]').waitFor();
    expect(await rows().count()).toBeLessThan(60);
  });

  test('a failed transfer says why, and the Failed filter shows only failures', async () => {
    await page.click('[data-filter="failed"]');
    await expect.poll(() => page.locator('[role="table"]').getAttribute('aria-rowcount')).toBe(String(2000 + 1));
    const first = rows().first();
    await expect.poll(() => first.getAttribute('data-state')).toBe('failed');
    expect(await first.locator('.reason').textContent()).toContain('Rescale answered 503 five times');
    expect(await page.locator('[role="row"][data-state]:not([data-state="failed"])').count()).toBe(0);
    await page.click('[data-filter="all"]');
  });

  test('keyboard: arrows move between rows, with a visible focus', async () => {
    await page.locator('.tbody-scroll').evaluate((el) => (el.scrollTop = 0));
    await page.locator('[role="row"][data-index="0"]').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedIndex).toBe('2');
    await page.keyboard.press('End');
    await expect.poll(focusedIndex).toBe('9999');
    const outline = await page
      .locator('[role="row"][data-index="9999"]')
      .evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { outlineStyle: string } }).getComputedStyle(el).outlineStyle);
    expect(outline).not.toBe('none');
  });

  test('20,000 progress events: all applied, the page stays responsive', async () => {
    await page.locator('.tbody-scroll').evaluate((el) => (el.scrollTop = 0));
    const delivered = await burst(page, 20_000);
    expect(delivered).toBe(20_000);
    // The last pass left every transfer done: the counts and the first rows say so.
    await expect.poll(() => page.locator('[data-filter="done"] .count').textContent()).toBe('10000');
    await expect.poll(() => page.locator('[role="row"][data-index="0"]').getAttribute('data-state')).toBe('done');
    const m = await marks(page);
    // Not a benchmark (that is test/bench/render-bench.ts): a frozen UI blocks for seconds per burst.
    expect(m.longest).toBeLessThan(1_500);
    expect(errors).toEqual([]);
  });

  test('a batch older than what is shown is dropped; a newer one lands', async () => {
    const row0 = page.locator('[role="row"][data-index="0"]');
    expect(await row0.getAttribute('data-state')).toBe('done');
    await sendProgress(page, { index: 0, seq: 50, patch: { state: 'failed', error: { code: 'x', message: 'stale news' } } }); // before the snapshot (seq 100)
    await sendProgress(page, { index: 1, seq: 1_000_000, patch: { state: 'paused' } }); // the newest
    await expect.poll(() => page.locator('[role="row"][data-index="1"]').getAttribute('data-state')).toBe('paused');
    expect(await row0.getAttribute('data-state')).toBe('done');
    expect(await row0.locator('.reason').count()).toBe(0);
  });
});
