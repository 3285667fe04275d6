// The live plot under load in Chromium: 100,000 rows (3 series) drawn, then appends at 10/s.
// Run: npx tsx test/bench/plot-bench.ts [rows=100000] [seconds=5] [rowsPerUpdate=100]
// The page (renderer/bench/plot-page.ts) runs the app's own chart code (renderer/src/lib/stream-chart.ts on uPlot, fed by the
// log parser) and, as a peer, a naive SVG polyline of the same table. During the updates a
// Chromium trace records every main-thread task: its wall time, and its CPU time, which a busy
// machine does not inflate (the wall time includes waiting for a core).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/chromium';

const rows = Number(process.argv[2] ?? 100_000);
const seconds = Number(process.argv[3] ?? 5);
const perUpdate = Number(process.argv[4] ?? 100);
const HZ = 10;

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string };
}
interface Updates {
  updateMs: number[];
  parseMs: number[];
  longTasks: number[];
  achievedHz: number;
  points: number;
}
type Bench = { setup(kind: string, rows: number): Promise<number>; updates(n: number, per: number, hz: number): Promise<Updates> };
const bench = (page: Page) => page.evaluateHandle(() => (globalThis as unknown as { plotBench: Bench }).plotBench);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** The renderer main thread's tasks in the trace: [wall ms, CPU ms] of each. */
function mainThreadTasks(trace: Buffer): Array<[number, number]> {
  const events = (JSON.parse(trace.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  return events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && main.has(`${e.pid}:${e.tid}`)).map((e) => [(e.dur ?? 0) / 1000, (e.tdur ?? 0) / 1000]);
}

const bundle = await build({ entryPoints: [fileURLToPath(new URL('../../renderer/bench/plot-page.ts', import.meta.url))], bundle: true, write: false, format: 'iife', target: 'chrome120' });
const css = readFileSync(createRequire(import.meta.url).resolve('uplot/dist/uPlot.min.css'), 'utf8');
const browser = await launchChromium();
try {
  console.log(`rows: ${rows.toLocaleString('en')} × 3 series, updates: ${HZ}/s for ${seconds} s, ${perUpdate} rows each`);
  for (const kind of ['uplot', 'svg'] as const) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 500 } });
    await page.setContent(`<style>${css}</style><div id="chart"></div>`);
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
    const b = await bench(page);
    const firstDraw = await b.evaluate((x, [k, n]) => x.setup(k, n), [kind, rows] as const);
    await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
    const res = await b.evaluate((x, [n, p, hz]) => x.updates(n, p, hz), [seconds * HZ, perUpdate, HZ] as const);
    const tasks = mainThreadTasks(await browser.stopTracing());
    console.log(
      `${kind.padEnd(5)} first draw ${firstDraw.toFixed(0)} ms | update (parse+append+draw) median ${median(res.updateMs).toFixed(1)} ms, longest ${max(res.updateMs).toFixed(1)} ms ` +
        `| longest main-thread task: CPU ${max(tasks.map((t) => t[1])).toFixed(1)} ms, wall ${max(tasks.map((t) => t[0])).toFixed(1)} ms ` +
        `| longtask entries (≥50 ms wall): ${res.longTasks.length} | ${res.achievedHz.toFixed(1)} updates/s | ${res.points.toLocaleString('en')} points at the end`,
    );
    await page.close();
  }
} finally {
  await browser.close();
}
