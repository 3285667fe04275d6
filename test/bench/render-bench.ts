// First render of 10,000 transfer rows in Chromium, and a burst of 20,000 progress events.
// Run: npx tsx test/bench/render-bench.ts [rows=10000] [runs=5]
// The app is the built renderer (out/renderer; built if missing) against a stand-in backend
// (test/e2e/support/fake-page.js) whose transfers.list returns the rows. Prints milliseconds.
import { launchChromium } from '../support/chromium';
import { burst, FAKE_ORIGIN, marks, openFakeApp } from '../e2e/support/fake-courier';
import { ensureRendererBuilt } from '../../main/web/renderer-build';

const rows = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

await ensureRendererBuilt();
const browser = await launchChromium();
const firstRender: number[] = [];
const fromNavigation: number[] = [];
const burstMs: number[] = [];
const longest: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const { context, page } = await openFakeApp(browser, { count: rows });
    await page.goto(`${FAKE_ORIGIN}/#/transfers`);
    await page.waitForFunction(() => (globalThis as unknown as { __fake: { marks: { firstRowsAt: number } } }).__fake.marks.firstRowsAt > 0, null, { timeout: 60_000 });
    const m = await marks(page);
    firstRender.push(m.firstRowsAt - m.listSentAt);
    fromNavigation.push(m.firstRowsAt);
    const t0 = Date.now();
    await burst(page, 20_000);
    await page.locator('[role="row"][data-index="0"][data-state="done"]').waitFor();
    burstMs.push(Date.now() - t0);
    longest.push((await marks(page)).longest);
    await context.close();
  }
} finally {
  await browser.close();
}
const fmt = (xs: number[]) => `median ${median(xs).toFixed(1)} ms  (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`rows: ${rows}, runs: ${runs}`);
console.log(`first render (transfers.list answered → rows painted): ${fmt(firstRender)}`);
console.log(`page start → rows painted (includes loading the app):  ${fmt(fromNavigation)}`);
console.log(`20,000 progress events delivered and shown:             ${fmt(burstMs)}`);
console.log(`longest main-thread task during the burst:              ${fmt(longest)}`);
