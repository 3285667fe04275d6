import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { CHAINER_EPOCHS } from '../../sandbox/jobs/live-logs';
import { seriousViolations } from './support/axe';
import { go, openApp, shotPath, withSignedInApp } from './support/ui';

const SCRIPT = 'run_chainer_from_API.sh';
const EPOCHS = CHAINER_EPOCHS;

// Issue #18: a running Chainer job's training log grows in the Jobs view and its loss plot gains points.
describe('live files and plot of a running job', () => {
  let web: CourierWeb;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  // The simulated program prints its 20 epochs over 45% of the run (40 s), from its middle.
  withSignedInApp({ jobSeconds: 90, inputs: { [SCRIPT]: '#!/bin/bash\npython train_mnist.py --gpu 0\n' } }, (app) => ({ web, browser, page, errors } = app));

  test('the training log grows while the job runs, the loss plot gains points, a rewrite starts it over, and the end matches the finished log', async () => {
    await web.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: join(web.dataDir, 'inputs', SCRIPT) }], name: 'live plot' });
    await go(page, 'jobs');
    const row = page.locator('.job-row[data-job]', { has: page.locator('.job-name', { hasText: 'live plot' }) });
    await row.waitFor({ timeout: 60_000 });
    const jobId = (await row.getAttribute('data-job')) ?? '';
    const sandbox = (path: string, body?: unknown) =>
      fetch(`${web.sandbox().apiUrl}${path}`, {
        method: 'POST',
        headers: { Authorization: `Token ${web.sandbox().token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // The run goes on until the test stops it: no step below races its end on a slow machine.
    expect((await sandbox(`/__sandbox/jobs/${jobId}/plan`, { ending: 'until-stopped' })).status).toBe(200);
    await row.locator('.job-name').click();

    // The working directory appears with the log followed by default.
    const live = page.locator('.live-files');
    await live.waitFor({ timeout: 60_000 });
    await live.getByRole('button', { name: 'Follow process_output.log' }).waitFor({ timeout: 60_000 });
    const log = page.getByTestId('live-log');
    const lossCount = page.locator('.series-picker label', { hasText: 'main/loss' }).filter({ hasNotText: 'validation' }).getByTestId('series-count');
    const count = async () => Number(((await lossCount.textContent().catch(() => null)) ?? '(0)').replace(/\D/g, '') || 0);
    const lines = async () => Number((await log.getAttribute('data-lines')) ?? 0);

    // The program's first run: all its epochs, one point each (the run goes on after it).
    await expect.poll(count, { timeout: 150_000 }).toBe(EPOCHS);
    expect(await page.locator('.metrics-chart canvas').count()).toBeGreaterThan(0);
    expect(await page.locator('.series-picker input:checked').count()).toBe(2); // the losses, by default
    expect(await page.locator('.follow-status .tag-warn').count()).toBe(0); // nothing started over yet
    await page.screenshot({ path: shotPath('live-plot-running') });
    // The whole card for the README: a viewport tall enough to hold it.
    await page.setViewportSize({ width: 1280, height: 1500 });
    await live.screenshot({ path: shotPath('live-plot-card') });
    await page.setViewportSize({ width: 1280, height: 820 });

    // The program restarts and rewrites its log: the UI says so and the plot starts over. It prints
    // its epochs again from now, over 40 s, so the growth below is watched from the start.
    expect((await sandbox(`/__sandbox/jobs/${jobId}/live-restart`)).status).toBe(200);
    await page.locator('.follow-status .tag-warn', { hasText: 'started over' }).waitFor({ timeout: 60_000 });
    await expect.poll(count, { timeout: 60_000 }).toBeLessThan(EPOCHS);

    // Some epochs out, not all: then more come, in the log and in the plot.
    await expect.poll(count, { timeout: 90_000 }).toBeGreaterThanOrEqual(2);
    const [points1, lines1] = [await count(), await lines()];
    expect(points1).toBeLessThan(EPOCHS);
    await expect.poll(count, { timeout: 90_000 }).toBeGreaterThan(points1);
    expect(await lines()).toBeGreaterThan(lines1);
    await expect.poll(count, { timeout: 90_000 }).toBeGreaterThanOrEqual(Math.min(EPOCHS - 1, points1 + 6));

    // axe on the same job in a second page (axe is injected as a script tag: that context bypasses the CSP).
    const a11y = await openApp(browser, web, { bypassCSP: true });
    await go(a11y.page, 'jobs');
    await a11y.page.locator(`.job-row[data-job="${jobId}"] .job-name`).click();
    await a11y.page.locator('.metrics-chart canvas').first().waitFor({ timeout: 60_000 });
    expect(await seriousViolations(a11y.page)).toEqual([]);
    await a11y.context.close();

    // Log scale and another series: the chart is drawn again (here in the dark theme), nothing is lost.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByLabel('Log scale').check();
    await page.locator('.series-picker label', { hasText: 'main/accuracy' }).filter({ hasNotText: 'validation' }).locator('input').check();
    expect(await page.locator('.series-picker input:checked').count()).toBe(3);
    await page.screenshot({ path: shotPath('live-plot-dark-log') });
    await page.emulateMedia({ colorScheme: 'light' });

    // Stopped: the run ends, and the rest of the log comes from its outputs.
    expect((await sandbox(`/api/v2/jobs/${jobId}/stop/`)).ok).toBe(true);
    // The end: the followed lines are the finished log's lines, and each of its epochs is one point.
    await page.getByTestId('follow-status').filter({ hasText: 'The job ended' }).waitFor({ timeout: 120_000 });
    const finished = join(web.downloads, `rescale_job_${jobId}`, 'process_output.log');
    await expect.poll(() => existsSync(finished), { timeout: 60_000 }).toBe(true);
    const want = readFileSync(finished, 'utf8').replace(/\n$/, '').split('\n');
    expect((await log.textContent())?.split('\n')).toEqual(want);
    const epochs = want.filter((l) => /^\d+\s+\d/.test(l)).length;
    expect(await count()).toBe(epochs);
    await page.screenshot({ path: shotPath('live-plot-ended') });
    expect(errors).toEqual([]);
  }, 400_000); // two runs of the program (40 s each, the first after half the run) and a stop
});
