import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { go, shotPath, withSignedInApp } from './support/ui';

// A job made on the platform by something else (its API, here): "Run again…" from its detail
// pane opens the launch prefilled and sends one new job with the same input by id and the
// project picked from the list; tags are added there and filter the jobs list; "Save as
// template" gives a template whose project is a select of the platform's projects.
describe('run again, tags and projects in the UI', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  let jobId = '';
  let fileId = '';
  const sbApi = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const sb = web.sandbox();
    const res = await fetch(`${sb.apiUrl}${path}`, {
      method,
      headers: { Authorization: `Token ${sb.token}`, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  const madeElsewhere = async (w: CourierWeb): Promise<void> => {
    const sb = w.sandbox();
    const form = new FormData();
    form.append('file', new Blob(['#!/bin/sh\necho from elsewhere\n']), 'elsewhere.sh');
    const up = await fetch(`${sb.apiUrl}/api/v2/files/contents/`, { method: 'POST', headers: { Authorization: `Token ${sb.token}` }, body: form });
    fileId = ((await up.json()) as { id: string }).id;
    jobId = (
      await sbApi<{ id: string }>('POST', '/api/v3/jobs/', {
        name: 'made elsewhere',
        projectId: 'pRjCfd01',
        jobanalyses: [
          {
            analysis: { code: 'user_included', version: '0' },
            command: 'sh elsewhere.sh',
            hardware: { coreType: { code: 'emerald' }, coresPerSlot: 2 },
            inputFiles: [{ id: fileId }],
          },
        ],
      })
    ).id;
  };
  withSignedInApp({ jobSeconds: 3, prepare: madeElsewhere }, (app) => ({ web, page, errors } = app));

  test('"Run again…" on a job Courier did not launch: prefilled, one new job, same input id, the picked project', async () => {
    await go(page, 'jobs');
    await page.locator('.job-row[data-job] .job-name', { hasText: 'made elsewhere' }).click();
    await page.getByRole('button', { name: 'Run again…' }).click();
    const dialog = page.getByRole('dialog', { name: `Run job ${jobId} again` });
    await expect
      .poll(
        () =>
          dialog
            .getByLabel('Command (runs on the cluster)')
            .textContent()
            .catch(() => null),
        { timeout: 20_000 },
      )
      .toBe('sh elsewhere.sh');
    await dialog.getByText('elsewhere.sh', { exact: true }).waitFor(); // the input, as a platform file
    const project = dialog.getByTestId('project-select');
    await expect.poll(() => project.inputValue()).toBe('pRjCfd01');
    await project.selectOption({ label: 'ML training' });
    await dialog.getByLabel('Job name').fill('again from the UI');
    await page.screenshot({ path: shotPath('rerun-dialog') });
    const before = web.sandbox().stats().api['POST /api/v2/jobs/'] ?? 0;
    await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.job-row[data-job] .job-name', { hasText: 'again from the UI' }).waitFor({ timeout: 30_000 });
    const jobs = await sbApi<{ results: { id: string; name: string }[] }>('GET', '/api/v2/jobs/');
    const again = jobs.results.find((j) => j.name.startsWith('again from the UI'))!;
    const detail = await sbApi<{ projectId: string; jobanalyses: { command: string; inputFiles: { id: string }[]; hardware: { coresPerSlot: number } }[] }>(
      'GET',
      `/api/v3/jobs/${again.id}/`,
    );
    expect(detail.projectId).toBe('pRjMl002');
    expect(detail.jobanalyses[0]).toMatchObject({ command: 'sh elsewhere.sh', hardware: { coresPerSlot: 2 } });
    expect(detail.jobanalyses[0]!.inputFiles.map((f) => f.id)).toEqual([fileId]);
    expect((web.sandbox().stats().api['POST /api/v2/jobs/'] ?? 0) - before).toBe(1);
    expect(web.sandbox().stats().s3['PutObject'] ?? 0).toBe(0);
  });

  test('tags added on the detail pane reach the platform and filter the jobs list', async () => {
    await page.locator('.job-row[data-job] .job-name', { hasText: 'made elsewhere' }).click();
    const tags = page.locator('.job-tags');
    await tags.getByText('No tags yet.').waitFor();
    await tags.getByLabel('New tag').fill('baseline');
    await tags.getByRole('button', { name: 'Add tag' }).click();
    await tags.locator('.tag[data-tag="baseline"]').waitFor();
    expect(await sbApi('GET', `/api/v3/jobs/${jobId}/tags/`)).toEqual([{ name: 'baseline', normalizedName: 'baseline' }]);
    await page.getByRole('search').getByLabel('Tag').fill('baseline');
    await page.getByRole('search').getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.job-row[data-job] .job-name').allTextContents()).toEqual(['made elsewhere']);
    await tags.getByRole('button', { name: 'Remove the tag baseline' }).click();
    await tags.getByText('No tags yet.').waitFor();
    await page.getByRole('search').getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No recent job has the tag "baseline".').waitFor();
    await page.getByRole('search').getByRole('button', { name: 'Show all' }).click();
    await expect.poll(() => page.locator('.job-row[data-job]').count()).toBe(2);
  });

  test('"Save as template", then the template editor picks its project from the platform\'s list', async () => {
    await page.locator('.job-row[data-job] .job-name', { hasText: 'made elsewhere' }).click();
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.locator('.toast', { hasText: `Saved the template "made elsewhere (job ${jobId})"` }).waitFor();
    await go(page, 'templates');
    await page.locator('.template-list li', { hasText: 'made elsewhere' }).locator('a').click();
    const select = page.locator('.template-editor').getByTestId('project-select');
    await expect.poll(() => select.inputValue()).toBe('pRjCfd01');
    expect(await select.locator('option').allTextContents()).toEqual(['(no project)', 'Wing CFD study', 'ML training', 'Quality assurance']);
    await select.selectOption({ label: 'Quality assurance' });
    await page.locator('.template-editor').getByRole('button', { name: 'Save' }).click();
    await page.locator('.toast', { hasText: 'Saved "made elsewhere' }).waitFor();
    const stored = (await web.call('templates', 'list', {})).templates.find((x) => x.template.name.startsWith('made elsewhere'));
    expect(stored?.template).toMatchObject({
      projectId: 'pRjQa003',
      inputs: [{ kind: 'file', id: fileId }],
      hardware: { coreType: 'emerald', coresPerSlot: 2 },
    });

    // The launch dialog starts from the template's project and sends the one picked for this launch.
    await go(page, 'jobs');
    await page.getByRole('button', { name: 'Launch a job…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Launch a job' });
    await dialog.getByLabel('Template').selectOption({ label: stored!.template.name });
    const project = dialog.getByTestId('project-select');
    await expect.poll(() => project.inputValue()).toBe('pRjQa003');
    await project.selectOption({ label: 'Wing CFD study' });
    await dialog.getByLabel('Job name').fill('launched with a project');
    await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.job-row[data-job] .job-name', { hasText: 'launched with a project' }).waitFor({ timeout: 30_000 });
    const listed = await sbApi<{ results: { id: string; name: string }[] }>('GET', '/api/v2/jobs/');
    const launched = listed.results.find((j) => j.name.startsWith('launched with a project'))!;
    expect((await sbApi<{ projectId: string }>('GET', `/api/v3/jobs/${launched.id}/`)).projectId).toBe('pRjCfd01');
    expect(errors).toEqual([]);
  });
});
