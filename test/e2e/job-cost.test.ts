// What a job costs, in the UI against the sandbox: the launch dialog's estimate is the catalog's
// price × cores × walltime hours (the price read from the sandbox's catalog, not written here),
// a running job's cost so far moves while it runs, and the Jobs list sums the month.
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { rest } from '../support/jobs-env';
import type { CourierWeb } from './support/courier-web';
import { go, shotPath, launchWithLocalInput, withSignedInApp } from './support/ui';

const SCRIPT = 'simulate.sh';

describe('job cost in the UI', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  const launchDialog = () => page.getByRole('dialog', { name: 'Launch a job' });

  // Long enough a run (Started at 0.25 S, Completed at S) to read the running figure twice.
  withSignedInApp({ jobSeconds: 40, inputs: { [SCRIPT]: '#!/bin/sh\n./solver --steps 1000\n' } }, (app) => ({ web, page, errors } = app));

  test('the launch dialog shows the hourly price and the total for the walltime, from the catalog', async () => {
    const page1 = await rest<{ results: { code: string; price: number }[] }>(web.sandbox(), 'GET', '/api/v2/coretypes/?page_size=1000');
    const emerald = page1.results.find((c) => c.code === 'emerald')!;
    expect(emerald.price).toBeGreaterThan(0);
    const preset = (await web.call('templates', 'get', { id: 'byos-cpu' })).template;
    const cores = preset.hardware.coresPerSlot * preset.hardware.slots;
    const hours = preset.hardware.walltimeHours!;
    expect(preset.hardware.coreType).toBe('emerald');

    await go(page, 'jobs');
    await page.getByRole('button', { name: 'Launch a job…' }).click();
    await launchDialog().getByLabel('Template').selectOption('byos-cpu');
    const est = launchDialog().getByTestId('launch-estimate');
    await expect.poll(() => est.getAttribute('data-total'), { timeout: 30_000 }).not.toBe('');
    expect(Number(await est.getAttribute('data-hourly'))).toBeCloseTo(emerald.price * cores, 6);
    expect(Number(await est.getAttribute('data-total'))).toBeCloseTo(emerald.price * cores * hours, 6);
    expect(await est.getAttribute('data-currency')).toBe('USD');
    const total = (emerald.price * cores * hours).toFixed(2);
    expect(await est.textContent()).toContain(`$${total} for the walltime (${hours} h)`);
    // A template without a walltime: the hourly price, and why there is no total.
    await launchDialog().getByLabel('Template').selectOption('chainer');
    await expect.poll(() => launchDialog().getByTestId('launch-total').textContent()).toContain('no walltime set');
    await launchDialog().getByLabel('Template').selectOption('byos-cpu');
    await page.screenshot({ path: shotPath('cost-launch-estimate') });
  });

  test("a running job's cost so far increases; the Jobs list shows the month's total", async () => {
    await launchWithLocalInput(page, join(web.dataDir, 'inputs'), SCRIPT);

    const row = page.locator('.job-row[data-job] .job-name', { hasText: SCRIPT });
    await row.waitFor({ timeout: 60_000 });
    await row.click();
    const soFar = page.getByTestId('cost-so-far');
    const amount = async () => Number((await soFar.getAttribute('data-amount')) || 0);
    // Two different figures while it runs, the second larger.
    await expect.poll(amount, { timeout: 60_000 }).toBeGreaterThan(0);
    const first = await amount();
    await expect.poll(amount, { timeout: 30_000 }).toBeGreaterThan(first);
    expect(await page.locator('.cost-card').textContent()).toContain('Cost so far');
    expect(await page.getByTestId('cost-walltime').textContent()).toBe('4 h');
    await page.screenshot({ path: shotPath('cost-so-far') });

    // Once it ends the figure is final: the price × the run from Started to Completed.
    const badge = page.locator('.job-detail .detail-header .badge');
    await expect.poll(() => badge.textContent(), { timeout: 90_000 }).toBe('Completed');
    const jobId = /#\/jobs\/([A-Za-z0-9]+)/.exec(page.url())?.[1] ?? '';
    const detail = await web.call('jobs', 'get', { jobId });
    const final = detail.cost!.soFar!;
    expect(final).toBeGreaterThan(first);
    await expect.poll(amount).toBeCloseTo(final, 6);
    expect(await page.locator('.cost-card dt').first().textContent()).toBe('Cost');

    await go(page, 'jobs');
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    const month = page.getByTestId('month-cost');
    await expect.poll(async () => Number((await month.getAttribute('data-total')) || 0), { timeout: 30_000 }).toBeCloseTo(final, 6);
    expect(await month.textContent()).toMatch(/^This month: \$\d+\.\d+ \(jobs run from Courier: 1\)/);
    expect(errors).toEqual([]);
  });
});
