// An account whose files live in Azure Blob Storage looks and works like an S3 one: the same
// sign-in, the same upload picker and Files view, the same download. Underneath, the bytes go
// through Azurite (Put Block / Put Block List, ranged Get Blob), counted at the sandbox's proxy.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { remoteFolder, type CourierWeb } from './support/courier-web';
import { go, shotPath, withSignedInApp } from './support/ui';

describe('an Azure-storage account in the UI', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  const row = (name: string) => page.locator('.tbody [role="row"]', { has: page.locator('.name', { hasText: name }) }).first();
  const azureOps = async (): Promise<Record<string, number>> => {
    const res = await fetch(new URL('/__sandbox/stats', web.sandbox().apiUrl), { headers: { authorization: `Token ${web.sandbox().token}` } });
    return ((await res.json()) as { azure?: Record<string, number> }).azure ?? {};
  };

  withSignedInApp({ storage: 'azure' }, (app) => ({ web, page, errors } = app));
  beforeAll(() => expect(web.sandbox().storageType).toBe('AzureStorage'));

  test('a folder chosen in the picker goes up to Azure, keeping its structure', async () => {
    const local = join(web.dataDir, 'local');
    mkdirSync(join(local, 'on-azure', 'nested'), { recursive: true });
    writeFileSync(join(local, 'on-azure', 'small.txt'), 'small');
    // Over one part, so the upload is staged in blocks and committed with a block list.
    const big = Buffer.alloc(20 * 1024 * 1024 + 123, 7);
    writeFileSync(join(local, 'on-azure', 'nested', 'big.bin'), big);

    await page.getByRole('button', { name: 'Choose files…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Choose files or folders to upload' });
    await dialog.getByLabel('Folder', { exact: true }).fill(local);
    await dialog.getByLabel('Folder', { exact: true }).press('Enter');
    await dialog.getByRole('checkbox', { name: 'Choose on-azure' }).check();
    await dialog.getByRole('button', { name: 'Upload' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => row('on-azure').getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await row('on-azure').locator('.reason').textContent()).toMatch(/^Folder · 2 files · Rescale id [A-Za-z0-9]+ Copy$/);
    expect(await remoteFolder(web, 'on-azure')).toEqual({ 'small.txt': 5, 'nested/big.bin': big.length });
    const ops = await azureOps();
    expect(ops.PutBlock ?? 0).toBeGreaterThan(1);
    expect(ops.PutBlockList ?? 0).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: shotPath('azure-account-upload') });
    expect(errors).toEqual([]);
  });

  test('Files downloads it back from Azure, decrypted and verified', async () => {
    await go(page, 'files');
    const table = page.locator('.file-table');
    await table.getByRole('button', { name: 'Download folder on-azure' }).click();
    await page.locator('.toast', { hasText: 'Downloading the folder on-azure' }).waitFor();
    await go(page, 'transfers');
    const download = page
      .locator('.tbody [role="row"]', { has: page.locator('.name', { hasText: 'on-azure' }) })
      .filter({ has: page.locator('.sr-only', { hasText: 'Download' }) });
    await expect.poll(() => download.getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const into = join(web.downloads, 'on-azure');
    expect(readFileSync(join(into, 'small.txt'), 'utf8')).toBe('small');
    const back = readFileSync(join(into, 'nested', 'big.bin'));
    expect(back.length).toBe(20 * 1024 * 1024 + 123);
    expect(back.every((b) => b === 7)).toBe(true);
    expect(existsSync(join(web.downloads, 'small.txt'))).toBe(false);
    expect((await azureOps()).GetBlob ?? 0).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });
});
