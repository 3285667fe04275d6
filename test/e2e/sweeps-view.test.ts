// A 3×2 grid sweep from the UI: preview, launch, the batch view with a row per job as they go
// out, then Stop all: every row ends cancelled (never sent) or stopped (sent), and the platform
// gets no further job (counted at the sandbox).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { JobTemplateInput } from '../../shared/jobs';
import { platformJobs } from '../support/jobs-env';
import type { CourierWeb } from './support/courier-web';
import { shotPath, withSignedInApp } from './support/ui';
import { TRAIN_SWEEP } from '../support/sweep-template';

const TRAIN: JobTemplateInput = { ...TRAIN_SWEEP, parameters: [{ name: 'lr', default: '0.1' }, { name: 'seed' }] };

describe('sweeps view', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  const dialog = () => page.getByRole('dialog', { name: 'New sweep' });
  const rows = () => page.locator('.sweep-batch tbody tr');
  /** A picture of the page without the toasts over it (they come and go while it is taken), transitions finished. */
  const shotWithoutToasts = async (name: string) => {
    const toasts = (visibility: '' | 'hidden') =>
      page
        .locator('.toasts')
        .evaluateAll((els, v) => els.forEach((el) => ((el as unknown as { style: { visibility: string } }).style.visibility = v)), visibility);
    await toasts('hidden');
    await page.screenshot({ path: shotPath(name), animations: 'disabled' });
    await toasts('');
  };
  const trainJobs = async () => (await platformJobs(web.sandbox())).filter((j) => j.name.startsWith('train lr='));

  // Jobs run for a minute, so Stop all finds them still running.
  withSignedInApp({ jobSeconds: 60 }, (app) => ({ web, page, errors } = app));
  beforeAll(() => web.call('templates', 'save', { template: TRAIN }));

  test('a bad grid or CSV is refused naming the column; nothing is sent', async () => {
    await page.click('nav a[data-view="sweeps"]');
    await page.locator('#sweeps-title').waitFor();
    await page.locator('.empty-state', { hasText: 'No sweeps yet' }).waitFor();
    await page.getByRole('button', { name: 'New sweep…' }).first().click();
    await dialog().waitFor();
    await dialog().getByLabel('Template').selectOption('train');
    await dialog().getByLabel('Grid', { exact: true }).fill('lr=0.1 x seed=1 x depth=1..2');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => dialog().locator('[role="alert"]').first().textContent()).toContain('depth');
    // CSV text the same way: a row without a value is refused naming its column.
    await dialog().getByLabel('CSV (one row per job)').check();
    await dialog().getByLabel('CSV text').fill('lr,seed\n0.1,1\n0.01,');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => dialog().locator('[role="alert"]').first().textContent()).toBe('Row 2 (line 3) has no value for column "seed".');
    await dialog().getByLabel('Grid (every combination)').check();
    expect(await trainJobs()).toHaveLength(0);
  });

  test('3×2 grid: preview, launch, six rows going out, Stop all ends every row and no further job', async () => {
    await dialog().getByLabel('Grid', { exact: true }).fill('lr=0.1,0.01,0.001 x seed=1..2');
    await dialog().getByRole('button', { name: 'Preview' }).click();
    const preview = dialog().getByTestId('sweep-preview');
    await preview.waitFor();
    expect(await preview.locator('tbody tr').count()).toBe(6);
    expect(await preview.locator('tbody tr').first().textContent()).toContain('python train.py --lr 0.1 --seed 1');
    await dialog().getByRole('button', { name: 'Launch sweep' }).click();
    await dialog().waitFor({ state: 'detached' });

    // The batch view: one row per job, in row order, with its parameters.
    await page.locator('.sweep-batch').waitFor();
    await expect.poll(() => rows().count()).toBe(6);
    expect(await rows().locator('td:first-child').allTextContents()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(await rows().nth(5).textContent()).toContain('0.001');
    // Jobs go out: a row gets its job id, which links to the job in the Jobs view.
    await page.locator('.sweep-batch tbody tr a[href^="#/jobs/"]').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => page.getByTestId('sweep-progress').textContent()).toMatch(/^[1-6] of 6 submitted/);
    // The README's picture of the batch view (docs/sweep-batch.png).
    await shotWithoutToasts('sweep-batch');

    await page.getByRole('button', { name: 'Stop all' }).click();
    const confirm = page.getByRole('dialog', { name: /^Stop every job of / });
    await confirm.getByRole('button', { name: 'Stop all' }).click();
    await confirm.waitFor({ state: 'detached' });

    // Every row ends: cancelled before it went out, or its job stopped on the platform.
    const ended = async () => {
      const states = await rows().evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-state')}/${tr.getAttribute('data-outcome')}`));
      return states.every((s) => s.startsWith('cancelled/') || s === 'submitted/stopped') ? states : null;
    };
    await expect.poll(ended, { timeout: 90_000 }).not.toBeNull();
    const states = (await ended()) ?? [];
    const sent = states.filter((s) => s === 'submitted/stopped').length;

    // The platform has exactly the jobs of the rows that went out, all stopped, and gets no more.
    const onPlatform = await trainJobs();
    expect(onPlatform).toHaveLength(sent);
    // Every row ended (stopped or cancelled): the counts say which, and the bar is whole.
    const cancelled = 6 - sent;
    const stoppedText = sent ? ` · ${sent} stopped` : '';
    const cancelledText = cancelled ? ` · ${cancelled} cancelled` : '';
    await expect
      .poll(() => page.getByTestId('sweep-progress').textContent())
      .toBe(`${sent} of 6 submitted · 0 running · 0 waiting · 0 completed${stoppedText}${cancelledText}`);
    expect(await page.getByRole('progressbar', { name: 'Rows ended' }).getAttribute('aria-valuenow')).toBe('100');
    await shotWithoutToasts('sweep-batch-stopped');
    await new Promise((r) => setTimeout(r, 3000)); // a window for a stray submission to show up (it must not)
    expect(await trainJobs()).toHaveLength(sent);
    expect(web.sandbox().stats().api['POST /api/v2/jobs/'] ?? 0).toBe(sent);
    expect(errors).toEqual([]);
  });

  test('Export CSV downloads the table with each row’s final state', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const d = await download;
    expect(d.suggestedFilename()).toMatch(/\.csv$/);
    const lines = readFileSync(await d.path(), 'utf8')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(7); // the header and six rows
    expect(lines.slice(1).every((l) => /cancelled|stopped/i.test(l))).toBe(true);
  });

  test('a row’s job id opens that job in the Jobs view', async () => {
    const link = page.locator('.sweep-batch tbody tr a[href^="#/jobs/"]').first();
    const id = (await link.textContent()) ?? '';
    await link.click();
    await page.locator('#jobs-title').waitFor();
    expect(page.url()).toContain(`#/jobs/${id}`);
    await page.locator('.job-detail').waitFor();
  });
});
