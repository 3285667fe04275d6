import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { CourierWeb } from './support/courier-web';
import { withSignedInApp } from './support/ui';

// The local picker opens on the last folder (or home) and lists it; a person who types another
// folder meanwhile must not have their folder and choices replaced when that first listing
// arrives late (a large home folder, a slow network drive). The first listing's answer is held
// back at the WebSocket, so the order is forced, not hoped for.
describe('local picker', () => {
  let web: CourierWeb;
  let page: Page;
  let errors: string[];
  let releaseFirstListing: () => void = () => undefined;
  let firstId: unknown = null;
  let held!: () => void;
  const firstListingHeld = new Promise<void>((r) => (held = r));
  const openOptions = {
    setup: async (context: BrowserContext) => {
      // The page notes the ids of the answers it has received (to wait for the held one).
      await context.addInitScript({
        content: `{
            const seen = new Set();
            window.answered = seen;
            const Native = window.WebSocket;
            window.WebSocket = class extends Native {
              constructor(...args) {
                super(...args);
                this.addEventListener('message', (ev) => seen.add(JSON.parse(ev.data).id));
              }
            };
          }`,
      });
      await context.routeWebSocket(/\/rpc$/, (ws) => {
        const server = ws.connectToServer();
        ws.onMessage((m) => {
          const frame = JSON.parse(String(m)) as { t?: string; id?: unknown; ch?: string };
          if (firstId === null && frame.t === 'req' && frame.ch?.endsWith('browseLocal')) firstId = frame.id;
          server.send(m);
        });
        server.onMessage((m) => {
          const frame = JSON.parse(String(m)) as { t?: string; id?: unknown };
          if (frame.t === 'res' && firstId !== null && frame.id === firstId) {
            releaseFirstListing = () => ws.send(m);
            held();
            return;
          }
          ws.send(m);
        });
      });
    },
  };
  withSignedInApp({ open: () => openOptions }, (app) => ({ web, page, errors } = app));

  test('a first listing that arrives late does not replace the folder the person went to', async () => {
    const folder = join(web.dataDir, 'typed here');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'wanted.txt'), 'x');

    await page.getByRole('button', { name: 'Choose files…' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Choose files or folders to upload' });
    const folderBox = dialog.getByRole('textbox', { name: 'Folder', exact: true });
    await firstListingHeld; // the opening listing is on its way, held back
    await folderBox.fill(folder);
    await folderBox.press('Enter');
    await dialog.getByRole('checkbox', { name: 'Choose wanted.txt' }).check();

    releaseFirstListing();
    await page.waitForFunction((id) => (globalThis as unknown as { answered: Set<unknown> }).answered.has(id), firstId);
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))'); // React has rendered what it did with it
    expect(await folderBox.inputValue()).toBe(folder);
    expect(await dialog.getByRole('checkbox', { name: 'Choose wanted.txt' }).isChecked()).toBe(true);
    expect(await dialog.getByRole('list').getAttribute('aria-label')).toBe(folder);
    expect(errors).toEqual([]);
  });
});
