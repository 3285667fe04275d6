import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { go, withSignedInApp } from './support/ui';

// A software catalog with one record the platform got wrong (no code): the others still fill
// the form, and a quiet line says how many were left out.
describe('a catalog with an unreadable record', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];

  withSignedInApp(
    {
      prepare: async (w) => {
        const sb = w.sandbox();
        const res = await fetch(`${sb.apiUrl}/api/v2/analyses/?page_size=1000`, { headers: { Authorization: `Token ${sb.token}` } });
        const real = (await res.json()) as { results: unknown[] };
        const results = [...real.results, { name: 'A record without a code', versions: [] }];
        sb.addFault({ method: 'GET', path: '/api/v2/analyses/', status: 200, body: { count: results.length, next: null, previous: null, results } });
      },
    },
    (app) => ({ web, page, errors } = app),
  );
  beforeAll(() => go(page, 'templates'));

  test('the template form lists the good software and says one entry was left out', async () => {
    await page.locator('[data-template="chainer"] a').click();
    const hint = page.getByTestId('catalog-skipped');
    await hint.waitFor({ timeout: 20_000 });
    expect(await hint.textContent()).toBe('1 catalog entry from the platform could not be read and is not listed (details in Activity).');
    const options = await page.locator('.template-editor').getByLabel('Software').locator('option').allTextContents();
    expect(options).toContain('Chainer');
    expect(options).not.toContain('A record without a code');
    const logged = await web.call('activity', 'list', { area: 'app', limit: 50 });
    expect(logged.entries.some((e) => /1 record Rescale sent while Courier tried to read the software catalog could not be read/.test(e.message))).toBe(true);
    expect(errors).toEqual([]);
  });
});
