import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { until } from '../support/jobs-env';
import type { CourierWeb } from './support/courier-web';
import { go, shotPath, type ViewName, withSignedInApp } from './support/ui';

// Every view, with real content, in both themes: axe finds no serious or critical problem, and a
// screenshot of each is kept in test-results/screenshots/<view>-<theme>.png for people to look at.
describe('every view, both themes: accessibility and screenshots', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  let jobId = '';

  // axe is injected as a script tag: the page bypasses the CSP.
  withSignedInApp({ jobSeconds: 2, open: () => ({ bypassCSP: true }) }, (app) => ({ web, page, errors } = app));
  beforeAll(async () => {
    // Content worth looking at: a folder uploaded, a failed upload with its reason, a paused
    // one, and a finished job with its outputs.
    const local = join(web.dataDir, 'local');
    mkdirSync(join(local, 'simulation-run', 'inputs'), { recursive: true });
    for (const [name, size] of [
      ['mesh.dat', 250_000],
      ['inputs/params.json', 1200],
      ['inputs/run_chainer_from_API.sh', 80],
    ] as const) {
      writeFileSync(join(local, 'simulation-run', name), Buffer.alloc(size, 65));
    }
    const t = await web.courier.transfers();
    const folder = await web.call('transfers', 'upload', { paths: [join(local, 'simulation-run')] });
    await t.whenSettled(folder.items.map((i) => i.id));

    web
      .sandbox()
      .addFault({ target: 'api', method: 'POST', path: '/api/v3/files/', status: 400, body: { detail: 'The file record was refused.' }, times: 1000 });
    writeFileSync(join(local, 'checkpoint-0042.h5'), Buffer.alloc(90_000, 1));
    const failed = await web.call('transfers', 'upload', { paths: [join(local, 'checkpoint-0042.h5')] });
    await t.whenSettled(failed.items.map((i) => i.id));
    web.sandbox().clearFaults();

    web.courier.settings.update({ transfers: { bandwidthBytesPerSecond: 64 * 1024 } });
    writeFileSync(join(local, 'results-archive.tar'), Buffer.alloc(3 * 1024 * 1024, 2));
    const slow = await web.call('transfers', 'upload', { paths: [join(local, 'results-archive.tar')] });
    await until('the slow upload to start', () => (t.list().items.find((i) => i.id === slow.items[0]?.id)?.bytesDone ?? 0) > 0, 15_000);
    await web.call('transfers', 'pause', { id: slow.items[0]?.id ?? '' });

    const sub = await web.call('jobs', 'launch', {
      templateId: 'chainer',
      inputs: [{ path: join(local, 'simulation-run', 'inputs', 'run_chainer_from_API.sh') }],
    });
    jobId = await until('the job to be submitted', () => web.courier.jobs.store.get(sub.id)?.jobId, 60_000);
    await until('the job to complete', async () => (await web.call('jobs', 'list', {})).jobs.find((j) => j.jobId === jobId)?.outcome === 'completed', 60_000);
    // A small sweep for the batch view.
    await web.call('templates', 'save', {
      template: {
        id: 'sweep-a11y',
        name: 'Sweep a11y',
        jobName: 'a11y lr={lr}',
        analysis: { code: 'user_included', version: '0' },
        hardware: { coreType: 'emerald', coresPerSlot: 1 },
        command: 'echo {lr}',
        parameters: [{ name: 'lr' }],
        outputs: { autoDownload: false, filters: [] },
      },
    });
    await web.call('sweeps', 'launch', { templateId: 'sweep-a11y', name: 'a11y-sweep', table: { kind: 'grid', text: 'lr=0.1,0.01' } });
  });

  /** Opens a view and waits until its content is drawn. */
  const show: Record<ViewName, () => Promise<void>> = {
    transfers: async () => {
      await go(page, 'transfers');
      await expect.poll(() => page.locator('.tbody [role="row"]').count()).toBeGreaterThanOrEqual(3);
      await page.locator('.tbody [role="row"][data-state="failed"] .reason', { hasText: 'refused' }).waitFor();
    },
    jobs: async () => {
      await go(page, 'jobs');
      await page.locator(`.job-row[data-job="${jobId}"] a`).click();
      await page.locator('.job-detail .timeline li').first().waitFor();
      await page.locator('[data-testid="log-tail"]').waitFor({ timeout: 30_000 });
    },
    sweeps: async () => {
      await go(page, 'sweeps');
      await page.locator('[data-sweep] a', { hasText: 'a11y-sweep' }).click();
      await expect.poll(() => page.locator('.sweep-batch tbody tr').count()).toBe(2);
    },
    templates: async () => {
      await go(page, 'templates');
      await page.locator('[data-template="chainer"] a').click();
      await page.locator('.template-editor select').first().waitFor();
    },
    files: async () => {
      await go(page, 'files');
      await page.locator('.file-table tr[data-entry="simulation-run"]').waitFor();
    },
    settings: async () => {
      await go(page, 'settings');
      await page.locator('.account').waitFor();
    },
    activity: async () => {
      await go(page, 'activity');
      await page.locator('.activity-list li').first().waitFor();
    },
  };

  const dialogs: Record<string, () => Promise<void>> = {
    'dialog-launch': async () => {
      await show.templates();
      await page.getByRole('button', { name: 'Launch Chainer GPU (Hello Chainer!)' }).click();
      await page.getByRole('dialog', { name: 'Launch a job' }).waitFor();
    },
    'dialog-sweep': async () => {
      await show.sweeps();
      await page.getByRole('button', { name: 'New sweep…' }).first().click();
      const d = page.getByRole('dialog', { name: 'New sweep' });
      await d.getByLabel('Template').selectOption('sweep-a11y');
      await d.getByLabel('Grid', { exact: true }).fill('lr=1..3');
      await d.getByRole('button', { name: 'Preview' }).click();
      await d.getByTestId('sweep-preview').waitFor();
    },
    'dialog-picker': async () => {
      await show.transfers();
      await page.getByRole('button', { name: 'Choose files…' }).first().click();
      // The picker opens on the home folder, which may have no visible entries (a fresh CI machine).
      await page
        .locator('.picker-list li')
        .first()
        .or(page.getByText('This folder is empty.', { exact: true }))
        .waitFor();
    },
    'dialog-confirm': async () => {
      await show.transfers();
      await page.getByRole('button', { name: 'Cancel all' }).click();
      await page.getByRole('dialog', { name: 'Cancel every transfer?' }).waitFor();
    },
  };

  for (const theme of ['light', 'dark'] as const) {
    test(`${theme} theme: no serious or critical axe violations in any view or dialog`, async () => {
      web.courier.settings.update({ appearance: { theme } });
      await expect.poll(() => page.locator('html').getAttribute('data-theme')).toBe(theme);
      const found: Record<string, unknown> = {};
      for (const [view, open] of Object.entries(show)) {
        await open();
        const v = await seriousViolations(page);
        if (v.length) found[view] = v;
        await page.screenshot({ path: shotPath(`${view}-${theme}`) });
      }
      for (const [name, open] of Object.entries(dialogs)) {
        await open();
        const v = await seriousViolations(page);
        if (v.length) found[name] = v;
        await page.screenshot({ path: shotPath(`${name}-${theme}`) });
        await page.keyboard.press('Escape');
        await page.locator('dialog[open]').waitFor({ state: 'detached' });
      }
      expect(found).toEqual({});
    });
  }

  test('no console errors along the way', () => {
    expect(errors).toEqual([]);
  });
});
