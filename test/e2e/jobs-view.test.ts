import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { go, recordNotifications, shotPath, shownNotifications, launchWithLocalInput, withSignedInApp } from './support/ui';

const SCRIPT = 'run_chainer_from_API.sh';

// Template → job → notification → outputs on disk, through the UI; then the offline outbox.
describe('jobs and templates views', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  let jobId = '';
  const launchDialog = () => page.getByRole('dialog', { name: 'Launch a job' });

  withSignedInApp(
    {
      jobSeconds: 4,
      inputs: { [SCRIPT]: '#!/bin/bash\npython train_mnist.py --gpu 0\n' },
      open: (w) => ({ setup: (c) => recordNotifications(c, w.host.origin) }),
    },
    (app) => ({ web, page, errors } = app),
  );

  test('the jobs view starts empty and says what to do', async () => {
    await go(page, 'jobs');
    await page.locator('.empty-state', { hasText: 'Launch one from a template' }).waitFor();
  });

  test("launches the seed's Chainer preset from its template, watches it complete, notifies, downloads the log", async () => {
    await go(page, 'templates');
    await page.getByRole('button', { name: 'Launch Chainer GPU (Hello Chainer!)' }).click(); // click 1
    await launchDialog().waitFor();
    // The preset runs ./{input}: pick the script from this computer.
    await launchDialog().getByRole('button', { name: 'Add local files or folders…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose input files' });
    await picker.getByLabel('Folder', { exact: true }).fill(join(web.dataDir, 'inputs'));
    await picker.getByLabel('Folder', { exact: true }).press('Enter');
    await picker.getByRole('checkbox', { name: `Choose ${SCRIPT}` }).check();
    await picker.getByRole('button', { name: 'Add', exact: true }).click();
    await launchDialog().getByText(SCRIPT).waitFor();
    // What the template will do, each fact labelled: the command, the slots, what downloads by itself.
    expect(await launchDialog().getByLabel('Command (runs on the cluster)').textContent()).toBe('./{input}');
    expect(await launchDialog().locator('.launch-facts').textContent()).toContain('1 slot =');
    expect(await launchDialog().getByTestId('launch-outputs').textContent()).toContain('Files matching *.log download by themselves');
    await page.screenshot({ path: shotPath('fixed-launch-dialog') });
    await launchDialog().getByRole('button', { name: 'Launch', exact: true }).click(); // click 2
    await launchDialog().waitFor({ state: 'detached' });

    // The jobs view: queued first, then the job itself.
    await page.locator('#jobs-title').waitFor();
    const jobLink = page.locator('.job-row[data-job] .job-name', { hasText: 'Hello Chainer!' });
    await jobLink.waitFor({ timeout: 30_000 });
    jobId = (await page.locator('.job-row[data-job]').first().getAttribute('data-job')) ?? '';
    expect(jobId).toMatch(/^[A-Za-z0-9]+$/);
    await jobLink.click();
    expect(page.url()).toContain(`#/jobs/${jobId}`);

    const badge = page.locator('.job-detail .detail-header .badge');
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe('Completed');
    const timeline = page.locator('.timeline li');
    expect(await timeline.first().textContent()).toContain('Completed'); // newest first
    expect(await timeline.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Executing'), expect.stringContaining('Pending')]));

    // Notification: the in-app toast (always) and the browser's (permission granted).
    const toast = page.locator('.toast', { hasText: `Job finished: Hello Chainer!` });
    await toast.waitFor({ timeout: 60_000 });
    await expect.poll(() => shownNotifications(page)).toEqual([expect.objectContaining({ title: 'Job finished: Hello Chainer!', tag: `job-${jobId}` })]);

    // Outputs filtered by *.log come down by themselves; the log tail shows it.
    const log = join(web.downloads, `rescale_job_${jobId}`, 'process_output.log');
    await expect.poll(() => existsSync(log), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain(SCRIPT);
    await page.getByRole('button', { name: 'Refresh' }).last().click();
    await expect.poll(() => page.locator('[data-testid="log-tail"]').textContent(), { timeout: 30_000 }).toContain(SCRIPT);

    // The filter is said, with the rest one click away; the log already there is not fetched twice.
    const note = page.getByTestId('filter-note');
    await note.waitFor({ timeout: 30_000 });
    expect(await note.locator('span').textContent()).toBe('1 of 2 outputs matched *.log (the template’s output filter)');
    await page.screenshot({ path: shotPath('fixed-output-filter-note') });
    await note.getByRole('button', { name: 'Download the other 1' }).click();
    await page.locator('.toast', { hasText: 'Downloading 1 file' }).waitFor();
    const jobDir = join(web.downloads, `rescale_job_${jobId}`);
    await expect.poll(() => existsSync(join(jobDir, 'mnist_result.json')), { timeout: 30_000 }).toBe(true);
    // "Download outputs" again: both are there, identical, so nothing is copied.
    await page.getByRole('button', { name: 'Download outputs' }).click();
    await page.locator('.toast', { hasText: '2 files are already there (same size and SHA-512)' }).waitFor();
    expect(
      readdirSync(jobDir)
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['mnist_result.json', 'process_output.log']);
    // "Run again" opens the launch with the same template and input.
    await page.getByRole('button', { name: 'Run again' }).click();
    await launchDialog().waitFor();
    expect(await launchDialog().getByLabel('Template').inputValue()).toBe('chainer');
    expect(await launchDialog().locator('.chosen li').allTextContents()).toEqual([expect.stringContaining(SCRIPT)]);
    await page.keyboard.press('Escape');
    await launchDialog().waitFor({ state: 'detached' });

    // The toast opens the job it is about.
    await go(page, 'files');
    await toast.getByRole('button').first().click();
    await page.locator('.job-detail').waitFor();
    expect(page.url()).toContain(`#/jobs/${jobId}`);
  });

  test('a job that waits for queue and cluster, then fails: the timeline names each step, the badge and the notification say Failed', async () => {
    await go(page, 'jobs');
    await page.getByRole('button', { name: 'Launch a job…' }).click();
    await launchDialog().getByLabel('Template').selectOption('chainer');
    await launchDialog().getByLabel('Job name').fill('train [waiting] [fail]'); // the sandbox's plan words
    await launchWithLocalInput(page, join(web.dataDir, 'inputs'), SCRIPT);

    const row = page.locator('.job-row[data-job]', { has: page.locator('.job-name', { hasText: 'train [waiting] [fail]' }) });
    await row.waitFor({ timeout: 30_000 });
    const failedId = (await row.getAttribute('data-job')) ?? '';
    await row.locator('.job-name').click();
    const badge = page.locator('.job-detail .detail-header .badge');
    await expect.poll(() => badge.textContent(), { timeout: 60_000 }).toBe('Failed');
    const timeline = page.locator('.timeline li');
    await expect.poll(() => timeline.count(), { timeout: 30_000 }).toBe(8);
    const steps = await timeline.locator('strong').allTextContents();
    expect(steps).toEqual(['Failed', 'Executing', 'Validated', 'Started', 'Waiting for cluster', 'Queued', 'Waiting for queue', 'Pending']);
    expect(await timeline.first().textContent()).toContain('Command exited with code 1');
    expect(await page.locator('.timeline li.unknown').count()).toBe(0);
    expect(await page.locator(`.job-row[data-job="${failedId}"] .badge`).textContent()).toBe('Failed');

    await page.locator('.toast', { hasText: 'Job failed: train [waiting] [fail]' }).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => shownNotifications(page))
      .toContainEqual(expect.objectContaining({ title: 'Job failed: train [waiting] [fail]', tag: `job-${failedId}` }));
    // Its log still came down (*.log): it says why it failed.
    const log = join(web.downloads, `rescale_job_${failedId}`, 'process_output.log');
    await expect.poll(() => existsSync(log), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(log, 'utf8')).toContain('Exit code: 1');
    expect(errors).toEqual([]);
  });

  test('offline: launches wait in the outbox, can be edited or cancelled, and run once when back', async () => {
    // A file on Rescale picked in Files: its name travels with it, so the launch needs no lookup.
    await go(page, 'files');
    await page.getByRole('button', { name: 'Recent files' }).click();
    await page
      .getByRole('checkbox', { name: `Choose ${SCRIPT}` })
      .first()
      .check();
    await page.getByRole('button', { name: 'Use as job input' }).click();
    await launchDialog().waitFor();
    expect(await launchDialog().locator('.chosen li').first().textContent()).toContain(SCRIPT);
    expect(await launchDialog().locator('.chosen .tag').first().textContent()).toBe('on Rescale');

    await web.stopSandbox();
    await launchDialog().getByLabel('Template').selectOption('chainer');
    await launchDialog().getByLabel('Job name').fill('offline run');
    await launchDialog().getByRole('button', { name: 'Launch', exact: true }).click();
    await launchDialog().waitFor({ state: 'detached' });

    // A second one with a local input (uploaded when the connection is back), to be cancelled.
    await page.getByRole('button', { name: 'Launch a job…' }).click();
    await launchDialog().getByLabel('Template').selectOption('chainer');
    await launchDialog().getByLabel('Job name').fill('never sent');
    await launchWithLocalInput(page, join(web.dataDir, 'inputs'), SCRIPT);

    const queued = (name: string) => page.locator('.job-row.queued', { has: page.locator('.job-name', { hasText: name }) });
    await queued('offline run').waitFor();
    expect(await queued('offline run').locator('.badge').textContent()).toBe('Queued');
    await expect.poll(() => queued('offline run').locator('.job-status').textContent(), { timeout: 30_000 }).toBe('Waiting for the connection');
    await page.locator('.banner', { hasText: 'Offline' }).waitFor();

    // Edit the first before it goes out.
    await queued('offline run').getByRole('button', { name: 'Edit offline run' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit the queued job' });
    await edit.getByLabel('Job name').fill('offline run (edited)');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await queued('offline run (edited)').waitFor();

    // Cancel the second: destructive, so it asks first.
    await queued('never sent').getByRole('button', { name: 'Cancel never sent' }).click();
    const confirm = page.getByRole('dialog', { name: 'Cancel "never sent"?' });
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect(await queued('never sent').getAttribute('data-state')).toBe('queued');
    await queued('never sent').getByRole('button', { name: 'Cancel never sent' }).click();
    await page.getByRole('dialog', { name: 'Cancel "never sent"?' }).getByRole('button', { name: 'Cancel the job' }).click();
    await expect.poll(() => queued('never sent').getAttribute('data-state')).toBe('cancelled');

    await web.startSandbox();
    const job = page.locator('.job-row[data-job]', { has: page.locator('.job-name', { hasText: 'offline run (edited)' }) });
    await job.waitFor({ timeout: 60_000 });
    await queued('offline run (edited)').waitFor({ state: 'detached' });
    await page.locator('.banner', { hasText: 'Offline' }).waitFor({ state: 'detached' });

    const list = await web.call('jobs', 'list', { limit: 50 });
    expect(list.jobs.filter((j) => j.name === 'offline run (edited)')).toHaveLength(1);
    expect(list.jobs.filter((j) => j.name === 'never sent')).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  test('a folder chosen as an input says, before the launch, that it goes up as one archive', async () => {
    const folder = join(web.dataDir, 'dataset');
    mkdirSync(join(folder, 'mesh'), { recursive: true });
    writeFileSync(join(folder, 'a.csv'), 'x\n'.repeat(1024));
    writeFileSync(join(folder, 'mesh', 'b.obj'), 'v 0 0 0\n');
    await go(page, 'templates');
    await page.getByRole('button', { name: 'Launch Chainer GPU (Hello Chainer!)' }).click();
    await launchDialog().waitFor();
    await launchDialog().getByRole('button', { name: 'Add local files or folders…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose input files' });
    await picker.getByLabel('Folder', { exact: true }).fill(web.dataDir);
    await picker.getByLabel('Folder', { exact: true }).press('Enter');
    await picker.getByRole('checkbox', { name: 'Choose dataset' }).check();
    await picker.getByRole('button', { name: 'Add', exact: true }).click();
    await launchDialog()
      .locator('.archive-note', { hasText: 'dataset/ (2 files, 2.01 KiB) goes up as one archive, unpacked in the job’s working directory.' })
      .waitFor();
    await page.keyboard.press('Escape');
    await launchDialog().waitFor({ state: 'detached' });
  });

  test('five loose files chosen as inputs say, before the launch, that they go up as one archive', async () => {
    const folder = join(web.dataDir, 'loose');
    mkdirSync(folder, { recursive: true });
    const names = ['run.sh', 'a.csv', 'b.csv', 'c.csv', 'd.csv'];
    for (const n of names) writeFileSync(join(folder, n), `${n}\n`);
    await go(page, 'templates');
    await page.getByRole('button', { name: 'Launch Chainer GPU (Hello Chainer!)' }).click();
    await launchDialog().waitFor();
    await launchDialog().getByRole('button', { name: 'Add local files or folders…' }).click();
    const picker = page.getByRole('dialog', { name: 'Choose input files' });
    await picker.getByLabel('Folder', { exact: true }).fill(folder);
    await picker.getByLabel('Folder', { exact: true }).press('Enter');
    for (const n of names.slice(0, 4)) await picker.getByRole('checkbox', { name: `Choose ${n}` }).check();
    await picker.getByRole('button', { name: 'Add', exact: true }).click();
    // Four files: each goes up on its own, and nothing says otherwise.
    expect(await launchDialog().locator('.archive-note').count()).toBe(0);
    await launchDialog().getByRole('button', { name: 'Add local files or folders…' }).click();
    await picker.getByLabel('Folder', { exact: true }).fill(folder);
    await picker.getByLabel('Folder', { exact: true }).press('Enter');
    await picker.getByRole('checkbox', { name: 'Choose d.csv' }).check();
    await picker.getByRole('button', { name: 'Add', exact: true }).click();
    await launchDialog()
      .locator('.archive-note', {
        hasText: 'These 5 files go up as one archive, unpacked in the job’s working directory under their own names (one registration instead of 5).',
      })
      .waitFor();
    await launchDialog().screenshot({ path: shotPath('launch-loose-files') });
    await page.keyboard.press('Escape');
    await launchDialog().waitFor({ state: 'detached' });
  });
});
