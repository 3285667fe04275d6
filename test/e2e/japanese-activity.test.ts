import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { go, shotPath, withSignedInApp } from './support/ui';

/** English words a Japanese screen may show: names, units, the user's own data. */
const allowed = /\b(Courier|Rescale|API|PEM|TLS|MiB\/s|MiB|English|gnome-keyring|KWallet|Sandbox|sandbox-user|example|com|Chainer|GPU|Hello|MPI|Workspace)\b/g;

async function englishIn(page: Page, selector: string): Promise<string[]> {
  const text = await page.locator(selector).evaluate((el) => {
    // Form values and option labels the user typed or picked are data, not UI text.
    interface El {
      cloneNode(deep: boolean): El;
      querySelectorAll(s: string): Iterable<{ remove(): void }>;
      innerText: string;
    }
    const clone = (el as unknown as El).cloneNode(true);
    for (const n of clone.querySelectorAll('select, input, code')) n.remove();
    return clone.innerText;
  });
  return (
    text
      .replace(/\S*[./@:_~<>{}]\S*/g, '')
      .replace(allowed, '')
      .match(/[A-Za-z]{3,}/g) ?? []
  ).filter((w: string, i: number, all: string[]) => all.indexOf(w) === i);
}

// In Japanese, Settings and Activity have no English left (key store, platform, entries, tags),
// Activity dates follow the language, and Activity records transfers and going offline/online.
describe('Japanese Settings and Activity', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];

  withSignedInApp({}, (app) => ({ web, page, errors } = app));

  test('Activity records a finished upload, going offline and coming back', async () => {
    const file = join(web.dataDir, 'notes.txt');
    writeFileSync(file, 'hello');
    await web.call('transfers', 'upload', { paths: [file] });
    await expect.poll(() => web.courier.activity.list({ limit: 50 }).map((e) => e.message), { timeout: 20_000 }).toContain('Uploaded notes.txt.');
    await web.stopSandbox();
    await web.call('jobs', 'list', { limit: 5 }).catch(() => undefined);
    await expect.poll(() => web.courier.activity.list({ limit: 50 }).some((e) => e.text?.key === 'offline'), { timeout: 20_000 }).toBe(true);
    await web.startSandbox();
    await web.call('jobs', 'list', { limit: 5 }).catch(() => undefined);
    await expect.poll(() => web.courier.activity.list({ limit: 50 }).some((e) => e.text?.key === 'online'), { timeout: 20_000 }).toBe(true);
  });

  test('Settings and Activity in Japanese: no English words, dates in the Japanese style', async () => {
    await go(page, 'settings');
    await page.getByLabel('Language').selectOption('ja');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('ja');
    await page.locator('#settings-title', { hasText: '設定' }).waitFor();
    expect(await englishIn(page, 'main.content')).toEqual([]);
    expect(await englishIn(page, 'nav.sidebar')).toEqual([]);
    await page.screenshot({ path: shotPath('settings-ja'), fullPage: true });

    await go(page, 'activity');
    await page.getByText('notes.txt をアップロードしました。').waitFor();
    await page.getByText('オンラインに戻りました。').waitFor();
    expect(await page.locator('.activity-list .tag', { hasText: 'アカウント' }).count()).toBeGreaterThan(0);
    expect(await englishIn(page, '.activity-list')).toEqual([]);
    // The Japanese medium date style is "2026/12/05 15:20:01", not "Dec 5, 2026" or "12/5/2026, 3:20 PM".
    expect(await page.locator('.activity-list time').first().textContent()).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{1,2}:\d{2}:\d{2}$/);
    await page.screenshot({ path: shotPath('activity-ja') });
    await go(page, 'settings');
    await page.getByLabel('言語').selectOption('en');
    expect(errors.filter((e) => !/Failed to load resource|ECONNREFUSED|offline/i.test(e))).toEqual([]);
  });
});
