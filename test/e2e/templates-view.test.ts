import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { go, withSignedInApp } from './support/ui';

// The template editor: presets are read-only and duplicated to edit; problems show next to the
// fields (the shared schema at once, main's checks after); export, import and delete. Then a
// long job launched from a template is stopped from the Jobs view (with a confirmation).
describe('templates view, and stopping a job', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  const editor = () => page.locator('.template-editor');
  const fieldError = (label: string): Locator =>
    editor()
      .locator('.field', { has: page.getByLabel(label, { exact: true }) })
      .locator('.error');

  withSignedInApp({ jobSeconds: 120 }, (app) => ({ web, page, errors } = app));
  beforeAll(() => go(page, 'templates'));

  test('a preset is read-only; Duplicate gives an editable copy', async () => {
    await page.locator('[data-template="chainer"] a').click();
    await editor().getByText('Built-in presets are read-only').waitFor();
    expect(await editor().getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await editor().getByLabel('Template name', { exact: true }).isDisabled()).toBe(true);
    await editor().getByRole('button', { name: 'Duplicate' }).click();
    await expect.poll(() => editor().locator('#editor-title').textContent()).toBe('Chainer GPU (Hello Chainer!) (copy)');
    expect(page.url()).not.toMatch(/#\/templates\/chainer$/);
    expect(await editor().getByLabel('Template name', { exact: true }).isDisabled()).toBe(false);
  });

  test('problems appear next to their fields, from the shared rules and from main', async () => {
    await editor().getByLabel('Template name', { exact: true }).fill('');
    await expect.poll(() => fieldError('Template name').textContent()).toBe('give the template a name');
    await editor().getByLabel('Walltime (hours)').fill('400');
    await expect.poll(() => fieldError('Walltime (hours)').textContent()).toBe('walltime is in hours: at most 336 (14 days)');
    // Save refuses while the form has problems, and says so.
    await editor().getByRole('button', { name: 'Save' }).click();
    await editor().locator('p.error', { hasText: 'Fix 2 problems first' }).waitFor();
    await editor().getByLabel('Template name', { exact: true }).fill('My GPU run');
    await editor().getByLabel('Walltime (hours)').fill('12');

    // Placeholders are checked by main (templates.validate): the message names the unknown one.
    await editor().getByLabel('Job name', { exact: true }).fill('run {nope}');
    await expect.poll(() => fieldError('Job name').textContent(), { timeout: 10_000 }).toContain('{nope}');
    await editor().getByLabel('Job name', { exact: true }).fill('{input} on GPU');
    await expect.poll(() => editor().locator('.field .error').count(), { timeout: 10_000 }).toBe(0);
  });

  test('GPU presets set the core type in one click', async () => {
    await editor().getByRole('button', { name: 'Citrine' }).click();
    expect(await editor().getByLabel('Core type').inputValue()).toBe('citrine');
    expect(await editor().getByLabel('Cores per slot').inputValue()).toBe('8');
    expect(await editor().getByRole('button', { name: 'Citrine' }).getAttribute('aria-pressed')).toBe('true');
  });

  test('saves, exports and imports a template', async () => {
    await editor().getByRole('button', { name: 'Save' }).click();
    await page.locator('.toast', { hasText: 'Saved "My GPU run"' }).waitFor();
    const saved = page.locator('.template-list li', { hasText: 'My GPU run' });
    await saved.waitFor();
    const stored = (await web.call('templates', 'list', {})).templates.find((x) => x.template.name === 'My GPU run');
    expect(stored?.template).toMatchObject({ jobName: '{input} on GPU', hardware: { coreType: 'citrine', coresPerSlot: 8, walltimeHours: 12 } });

    const [download] = await Promise.all([page.waitForEvent('download'), editor().getByRole('button', { name: 'Export' }).click()]);
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8')) as { format: string; template: { name: string } };
    expect(exported.format).toBe('courier-job-template');
    expect(exported.template.name).toBe('My GPU run');

    exported.template.name = 'Imported run';
    await page.locator('input[type="file"]').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(exported)) });
    await expect.poll(() => editor().locator('#editor-title').textContent()).toBe('Imported run');
    await page.locator('.template-list li', { hasText: 'Imported run' }).waitFor();
  });

  test('delete asks first, then removes it', async () => {
    await page.locator('.template-list li', { hasText: 'Imported run' }).locator('a').click();
    await editor().getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete the template "Imported run"?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await confirm.waitFor({ state: 'detached' });
    await page.locator('.template-list li', { hasText: 'Imported run' }).waitFor();
    await editor().getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Delete the template "Imported run"?' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('.template-list li', { hasText: 'Imported run' }).waitFor({ state: 'detached' });
    expect((await web.call('templates', 'list', {})).templates.map((x) => x.template.name)).not.toContain('Imported run');
    expect(errors).toEqual([]);
  });

  test('a running job can be stopped from its page, after a confirmation', async () => {
    const script = join(web.dataDir, 'train.sh');
    writeFileSync(script, '#!/bin/bash\nsleep 3600\n');
    await web.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name: 'long training' });
    await go(page, 'jobs');
    const link = page.locator('.job-row[data-job] .job-name', { hasText: 'long training' });
    await link.waitFor({ timeout: 30_000 });
    await link.click();
    const badge = page.locator('.job-detail .detail-header .badge');
    await page.getByRole('button', { name: 'Stop job' }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop "long training"?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click(); // changes nothing
    await confirm.waitFor({ state: 'detached' });
    expect(await badge.getAttribute('class')).toContain('outcome-running');
    await page.getByRole('button', { name: 'Stop job' }).click();
    await page.getByRole('dialog', { name: 'Stop "long training"?' }).getByRole('button', { name: 'Stop job' }).click();
    await expect.poll(() => badge.textContent(), { timeout: 30_000 }).toBe('Stopped');
    await page.locator('.toast', { hasText: 'Job stopped: long training' }).waitFor();
    expect(await page.locator('.timeline li').first().textContent()).toContain('User Terminated');
    expect(errors).toEqual([]);
  });
});
