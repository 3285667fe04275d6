// Page helpers shared by the view tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, watchConsole } from '../../support/chromium';
import { startCourierWeb, type CourierWeb } from './courier-web';

export const views = ['transfers', 'jobs', 'sweeps', 'templates', 'files', 'settings', 'activity'] as const;
export type ViewName = (typeof views)[number];
export const screenshotDir = 'test-results/screenshots';

export interface OpenPage {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

/** A fresh browser context on the app (the token link sets the session cookie). */
export async function openApp(
  browser: Browser,
  web: CourierWeb,
  o: { bypassCSP?: boolean; colorScheme?: 'light' | 'dark'; setup?: (c: BrowserContext) => Promise<void> } = {},
): Promise<OpenPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 820 },
    ...(o.bypassCSP ? { bypassCSP: true } : {}),
    ...(o.colorScheme ? { colorScheme: o.colorScheme } : {}),
  });
  await o.setup?.(context);
  const page = await context.newPage();
  const errors = watchConsole(page);
  await page.goto(web.host.url);
  return { context, page, errors };
}

/** First run: choose the Sandbox platform and sign in (as app-shell.test.ts does). */
export async function signInToSandbox(page: Page): Promise<void> {
  await page.locator('#first-run-title').waitFor();
  await page.getByLabel('Platform').selectOption('sandbox');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#transfers-title').waitFor({ timeout: 30_000 });
}

export interface SignedInApp {
  web: CourierWeb;
  browser: Browser;
  page: Page;
  /** The page's console errors (watchConsole). */
  errors: string[];
}

export type SignedInAppOptions = NonNullable<Parameters<typeof startCourierWeb>[0]> & {
  /** Files written to `<dataDir>/inputs` before the browser opens (name → content). */
  inputs?: Record<string, string>;
  /** After the host starts, before the browser opens (sandbox faults, records made elsewhere). */
  prepare?: (web: CourierWeb) => Promise<void>;
  /** openApp's options for the page, given the host. */
  open?: (web: CourierWeb) => Parameters<typeof openApp>[2];
};

/**
 * The set-up of a view test: the app on a sandbox (startCourierWeb), Chromium, a page on the app
 * signed in to the sandbox, all closed after the file's tests. `bind` receives them as they come
 * (the host alone first, for `prepare`; all of them before any later beforeAll); a test that
 * replaces the host sets `web` on the returned object so that the one running at the end is stopped.
 */
export function withSignedInApp(o: SignedInAppOptions, bind: (app: SignedInApp) => void): SignedInApp {
  const app = {} as SignedInApp;
  beforeAll(async () => {
    const { inputs, prepare, open, ...webOptions } = o;
    app.web = await startCourierWeb(webOptions);
    bind(app);
    if (inputs) {
      mkdirSync(join(app.web.dataDir, 'inputs'), { recursive: true });
      for (const [name, text] of Object.entries(inputs)) writeFileSync(join(app.web.dataDir, 'inputs', name), text);
    }
    await prepare?.(app.web);
    app.browser = await launchChromium();
    Object.assign(app, await openApp(app.browser, app.web, open?.(app.web)));
    await signInToSandbox(app.page);
    bind(app);
  });
  afterAll(async () => {
    await app.browser?.close();
    await app.web?.stop();
  });
  return app;
}

/** In the open launch dialog: adds `name` from `folder` through the local picker, then launches. */
export async function launchWithLocalInput(page: Page, folder: string, name: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Launch a job' });
  await dialog.getByRole('button', { name: 'Add local files or folders…' }).click();
  const picker = page.getByRole('dialog', { name: 'Choose input files' });
  await picker.getByLabel('Folder', { exact: true }).fill(folder);
  await picker.getByLabel('Folder', { exact: true }).press('Enter');
  await picker.getByRole('checkbox', { name: `Choose ${name}` }).check();
  await picker.getByRole('button', { name: 'Add', exact: true }).click();
  await dialog.getByRole('button', { name: 'Launch', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

export async function go(page: Page, view: ViewName): Promise<void> {
  await page.click(`nav a[data-view="${view}"]`);
  await page.locator(`#${view}-title`).waitFor();
}

export function shotPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return `${screenshotDir}/${name}.png`;
}

export interface DropFile {
  /** Relative path inside the drop, e.g. "run/inputs/a.dat". */
  path: string;
  text?: string;
  /** Size in bytes of generated content (instead of text). */
  size?: number;
}

/**
 * Drags files onto the window as a person would from a file manager: a DataTransfer built in
 * the page with File objects that carry their relative paths (webkitRelativePath), then
 * dragenter and drop events. Returns once the events are dispatched.
 */
export async function dropFiles(page: Page, files: DropFile[], o: { holdBeforeDrop?: () => Promise<void> } = {}): Promise<void> {
  const make = ([list, type]: readonly [DropFile[], string]) => {
    interface G {
      File: new (parts: (string | Uint8Array)[], name: string) => object;
      DataTransfer: new () => { items: { add(f: object): unknown } };
      DragEvent: new (type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: object }) => object;
      document: { querySelector(s: string): { dispatchEvent(e: object): boolean } | null };
      __drop?: object;
    }
    const g = globalThis as unknown as G;
    if (!g.__drop) {
      const dt = new g.DataTransfer();
      for (const f of list) {
        const name = f.path.split('/').pop() ?? f.path;
        const file = new g.File([f.size !== undefined ? new Uint8Array(f.size).fill(97) : (f.text ?? '')], name);
        Object.defineProperty(file, 'webkitRelativePath', { value: f.path });
        dt.items.add(file);
      }
      g.__drop = dt;
    }
    g.document.querySelector('main')?.dispatchEvent(new g.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: g.__drop }));
    if (type === 'drop') delete g.__drop;
  };
  await page.evaluate(make, [files, 'dragenter'] as const);
  await page.evaluate(make, [files, 'dragover'] as const);
  await o.holdBeforeDrop?.();
  await page.evaluate(make, [files, 'drop'] as const);
}

/** Records every browser Notification the page creates (window.__notifications), permission granted. */
export async function recordNotifications(context: BrowserContext, origin: string): Promise<void> {
  await context.grantPermissions(['notifications'], { origin });
  await context.addInitScript({
    content: `(() => {
      const Base = window.Notification;
      const shown = (window.__notifications = []);
      class Recorded extends Base {
        constructor(title, options) {
          shown.push({ title, body: options && options.body, tag: options && options.tag });
          super(title, options);
        }
      }
      window.Notification = Recorded;
    })();`,
  });
}

export function shownNotifications(page: Page): Promise<{ title: string; body?: string; tag?: string }[]> {
  return page.evaluate(() => (globalThis as unknown as { __notifications: { title: string; body?: string; tag?: string }[] }).__notifications);
}
