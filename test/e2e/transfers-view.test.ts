import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { remoteFolder, type CourierWeb } from './support/courier-web';
import { dropFiles, go, shotPath, withSignedInApp } from './support/ui';

// Uploads as people do them: a folder chosen in the picker, a folder dropped on the window
// (staged through the web host, with its own progress), and pause/resume of a running one.
describe('transfers view', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  const row = (name: string) => page.locator('.tbody [role="row"]', { has: page.locator('.name', { hasText: name }) }).first();

  withSignedInApp({}, (app) => ({ web, page, errors } = app));

  test('empty state says what to do', async () => {
    await page.locator('.empty-state', { hasText: 'Drop files or folders' }).waitFor();
    // No toast, no box: the list the toasts stack in is not drawn as a card of its own.
    expect(await page.locator('.toast').count()).toBe(0);
    expect((await page.locator('.toasts ul').boundingBox())?.height ?? 0).toBe(0);
  });

  test('uploads a folder chosen in the picker, keeping its structure', async () => {
    const local = join(web.dataDir, 'local');
    mkdirSync(join(local, 'pick-me', 'nested'), { recursive: true });
    writeFileSync(join(local, 'pick-me', 'one.txt'), 'one');
    writeFileSync(join(local, 'pick-me', 'nested', 'two.txt'), 'two two');

    await page.getByRole('button', { name: 'Choose files…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Choose files or folders to upload' });
    await dialog.getByLabel('Folder', { exact: true }).fill(local);
    await dialog.getByLabel('Folder', { exact: true }).press('Enter');
    await dialog.getByRole('checkbox', { name: 'Choose pick-me' }).check();
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => row('pick-me').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await remoteFolder(web, 'pick-me')).toEqual({ 'one.txt': 3, 'nested/two.txt': 7 });
    // The folder's Rescale id, to use it by elsewhere: shown and copied with one click.
    const { items } = await web.call('transfers', 'list', {});
    const folderId = items.find((i) => i.isBatch && i.name === 'pick-me')?.remoteFileId ?? '';
    expect(folderId).toMatch(/^[A-Za-z0-9]+$/);
    expect(await row('pick-me').locator('.reason').textContent()).toBe(`Folder · 2 files · Rescale id ${folderId} Copy`);
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
    await row('pick-me').getByRole('button', { name: 'Copy the Rescale id of pick-me' }).click();
    await row('pick-me').getByRole('button', { name: 'Copy the Rescale id of pick-me' }).filter({ hasText: 'Copied' }).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(folderId);
    await page.screenshot({ path: shotPath('rescale-id-copied') });
  });

  test('expands a folder to its files with the keyboard', async () => {
    await row('pick-me').focus();
    await page.keyboard.press('ArrowRight');
    await row('two.txt').waitFor();
    expect(await row('two.txt').getAttribute('class')).toContain('depth-1');
    await page.keyboard.press('ArrowLeft');
    await row('two.txt').waitFor({ state: 'detached' });
  });

  test('uploads a dropped folder: staged (with progress), then uploaded to Rescale', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Hold the staging requests so the preparing step can be seen.
    await page.route('**/staging/**', async (route) => {
      await gate;
      await route.continue();
    });
    await dropFiles(
      page,
      [
        { path: 'dropped/a.txt', text: 'hello' },
        { path: 'dropped/sub/b.bin', size: 300_000 },
      ],
      {
        holdBeforeDrop: () => page.locator('.drop-overlay').waitFor(),
      },
    );
    const staging = page.locator('.staging-batch', { hasText: 'dropped' });
    await staging.waitFor();
    expect(await staging.getAttribute('data-staging')).toBe('staging');
    expect(await staging.getByRole('progressbar').getAttribute('aria-label')).toBe('Preparing dropped');
    release();
    await staging.waitFor({ state: 'detached', timeout: 30_000 });
    await page.unroute('**/staging/**');

    await expect.poll(() => row('dropped').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await remoteFolder(web, 'dropped')).toEqual({ 'a.txt': 5, 'sub/b.bin': 300_000 });
  });

  test('pauses and resumes a running upload', async () => {
    web.courier.settings.update({ transfers: { bandwidthBytesPerSecond: 64 * 1024 } }); // slow enough to catch it running
    const big = join(web.dataDir, 'local', 'big.bin');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 7));
    await web.call('transfers', 'upload', { paths: [big] });
    await expect.poll(() => row('big.bin').getAttribute('data-state'), { timeout: 15_000 }).toBe('running');

    // Some bytes first, so the paused state has a percentage to keep.
    await expect.poll(async () => Number(await row('big.bin').getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(2);
    await row('big.bin').getByRole('button', { name: 'Pause big.bin' }).click();
    await expect.poll(() => row('big.bin').getAttribute('data-state')).toBe('paused');
    // The header tells the same story as the row: its real percentage, paused rather than active.
    const rowPct = await row('big.bin').locator('.pct').textContent();
    await expect.poll(() => page.locator('.overall-text').textContent()).toContain('1 paused');
    const overall = (await page.locator('.overall-text').textContent()) ?? '';
    expect(overall).not.toContain('active');
    const bar = page.getByRole('progressbar', { name: 'Overall progress' });
    const rowBytes = await row('big.bin').getByRole('progressbar').getAttribute('aria-valuenow');
    expect(rowPct).toBe(`${rowBytes}%`);
    // The earlier uploads (10 + 300,005 bytes) are done; the paused 2 MiB counts with what it keeps
    // (a part cut short by a pause is sent again, so an upload of one part keeps 0%).
    const earlier = 300_015;
    const bigBytes = 2 * 1024 * 1024;
    const share = (pct: number) => Math.floor(((earlier + (pct / 100) * bigBytes) / (earlier + bigBytes)) * 100);
    const shown = Number(await bar.getAttribute('aria-valuenow'));
    expect(shown).toBeGreaterThanOrEqual(share(Number(rowBytes)));
    expect(shown).toBeLessThanOrEqual(share(Number(rowBytes) + 1));
    await page.screenshot({ path: shotPath('fixed-paused-progress') });
    await page.click('[data-filter="active"]');
    await row('big.bin').waitFor();
    await page.click('[data-filter="all"]');

    // Resume from the keyboard this time: Space on the focused row.
    await row('big.bin').focus();
    await page.keyboard.press(' ');
    await expect.poll(() => row('big.bin').getAttribute('data-state')).toMatch(/queued|running/);
    web.courier.settings.update({ transfers: { bandwidthBytesPerSecond: null } });
    await expect.poll(() => row('big.bin').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await row('big.bin').locator('.pct').textContent()).toBe('100%');
    expect(errors).toEqual([]);
  });

  test('a finished empty file shows 100%, not 0% next to "Done"', async () => {
    const empty = join(web.dataDir, 'local', 'empty.txt');
    writeFileSync(empty, '');
    await web.call('transfers', 'upload', { paths: [empty] });
    await expect.poll(() => row('empty.txt').getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await row('empty.txt').locator('.pct').textContent()).toBe('100%');
    expect(await row('empty.txt').getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
  });

  test('files view: folders first, breadcrumbs, download to the download folder, delete after asking', async () => {
    await go(page, 'files');
    const table = page.locator('.file-table');
    await table.locator('tr[data-entry="pick-me"]').waitFor();
    await table.getByRole('button', { name: 'pick-me', exact: true }).click();
    await page.getByRole('navigation', { name: 'Folder path' }).getByText('pick-me').waitFor();
    await table.locator('tr[data-entry="one.txt"]').waitFor();
    expect(await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { entry: string } }).dataset.entry))).toEqual([
      'nested',
      'one.txt',
    ]);

    await table.getByRole('checkbox', { name: 'Choose one.txt' }).check();
    await page.getByRole('button', { name: 'Download', exact: true }).first().click();
    await page.locator('.toast', { hasText: 'Downloading 1 file' }).waitFor();
    const local = join(web.downloads, 'one.txt');
    await expect.poll(() => existsSync(local), { timeout: 30_000 }).toBe(true);
    expect(readFileSync(local, 'utf8')).toBe('one');

    await table.getByRole('checkbox', { name: 'Choose one.txt' }).check();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete 1 file from Rescale?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await table.locator('tr[data-entry="one.txt"]').waitFor({ state: 'detached' });
    expect(await remoteFolder(web, 'pick-me')).toEqual({ 'nested/two.txt': 7 });

    await page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'My Library' }).click();
    await table.locator('tr[data-entry="dropped"]').waitFor();
    expect(errors).toEqual([]);
  });

  test('downloads a folder into a folder of its own name, named after it, and says where', async () => {
    const table = page.locator('.file-table');
    await table.getByRole('button', { name: 'Download folder dropped' }).click();
    const into = join(web.downloads, 'dropped');
    const note = page.locator('.toast', { hasText: 'Downloading the folder dropped' });
    await note.waitFor();
    expect(await note.locator('.toast-title').textContent()).toBe(`Downloading the folder dropped to ${into}`);
    await note.getByRole('button', { name: 'Copy path' }).waitFor();

    await go(page, 'transfers');
    const download = page
      .locator('.tbody [role="row"]', { has: page.locator('.name', { hasText: 'dropped' }) })
      .filter({ has: page.locator('.sr-only', { hasText: 'Download' }) });
    await expect.poll(() => download.getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(await download.locator('.reason').textContent()).toBe('Folder · 2 files');
    expect(readFileSync(join(into, 'a.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(join(into, 'sub', 'b.bin')).length).toBe(300_000);
    expect(existsSync(join(web.downloads, 'a.txt'))).toBe(false);
    await page.screenshot({ path: shotPath('fixed-folder-download') });
    // A browser cannot show a folder: no "Open folder" there, and the request says it did not open one.
    expect(await page.getByRole('button', { name: 'Open folder' }).count()).toBe(0);
    expect(await web.call('app', 'openFolder', { path: into })).toEqual({ opened: false });
    await expect(web.call('app', 'openFolder', { path: web.dataDir })).rejects.toThrow(/inside the download folder/);
    expect(errors).toEqual([]);
  });

  test('"Clear finished" takes finished rows out of the list', async () => {
    await go(page, 'transfers');
    await row('big.bin').waitFor();
    expect(await page.locator('[data-filter="all"] .count').textContent()).not.toBe('0');
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.locator('.empty-state').waitFor();
    expect(await page.getByRole('button', { name: 'Clear finished' }).isDisabled()).toBe(true);
    // Main still has them (its history); the list simply does not show them.
    const { items } = await web.call('transfers', 'list', {});
    expect(items.some((i) => i.name === 'big.bin')).toBe(true);
  });
});
