// Runs inside Chromium for test/bench/plot-bench.ts (bundled by esbuild): the live plot's own code
// (metricStream → SeriesTable → StreamChart on uPlot) against a naive SVG polyline of the same data.
import { StreamChart } from '../src/lib/stream-chart';
import { metricStream } from '../../shared/metrics/stream';
import { SeriesTable } from '../../shared/metrics/table';

type Kind = 'uplot' | 'svg';
const SERIES = ['loss', 'acc', 'lr'];
const WIDTH = 900;
const HEIGHT = 400;

let epoch = 0;
/** Training-log lines as the app reads them, so parsing is part of each update's cost. */
function logLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    epoch += 1;
    const loss = 2 / Math.sqrt(epoch) + 0.05 * Math.sin(epoch / 7);
    out.push(`epoch=${epoch} loss=${loss.toFixed(6)} acc=${(1 - loss / 3).toFixed(6)} lr=${(0.1 * 0.999 ** (epoch / 100)).toExponential(4)}`);
  }
  return out;
}

function svgChart(el: HTMLElement, table: SeriesTable): { update(): void } {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  const lines = SERIES.map(() => svg.appendChild(document.createElementNS(ns, 'polyline')));
  el.appendChild(svg);
  return {
    update() {
      const xs = table.xs;
      const x0 = xs[0] ?? 0;
      const dx = (xs.at(-1) ?? 1) - x0 || 1;
      SERIES.forEach((name, i) => {
        const col = table.column(name);
        const max = Math.max(...col.map((y) => y ?? 0)) || 1;
        const pts = col.map((y, j) => `${(((xs[j] ?? 0) - x0) / dx) * WIDTH},${HEIGHT - ((y ?? 0) / max) * HEIGHT}`);
        lines[i]?.setAttribute('points', pts.join(' '));
        lines[i]?.setAttribute('fill', 'none');
        lines[i]?.setAttribute('stroke', 'blue');
      });
    },
  };
}

const nextTask = () =>
  new Promise<void>((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => resolve();
    c.port2.postMessage(0);
  });

let state: { table: SeriesTable; stream: ReturnType<typeof metricStream>; chart: { update(): void } } | null = null;

/** First draw of `rows` rows; milliseconds. */
async function setup(kind: Kind, rows: number) {
  const el = document.getElementById('chart') as HTMLElement;
  el.replaceChildren();
  epoch = 0;
  const stream = metricStream('training');
  const table = new SeriesTable();
  const t0 = performance.now();
  table.append(stream.feed(logLines(rows)).points);
  const chart = kind === 'uplot' ? new StreamChart(el, table) : svgChart(el, table);
  if (chart instanceof StreamChart) chart.render({ xLabel: 'epoch', series: SERIES, log: false, width: WIDTH, height: HEIGHT });
  else chart.update();
  await nextTask();
  state = { table, stream, chart };
  return performance.now() - t0;
}

/** `updates` appends of `perUpdate` rows at `hz`; milliseconds. */
async function updates(updates: number, perUpdate: number, hz: number) {
  if (!state) throw new Error('setup first');
  const { table, stream, chart } = state;
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ type: 'longtask', buffered: false });
  const updateMs: number[] = [];
  const parseMs: number[] = [];
  const start = performance.now();
  for (let k = 1; k <= updates; k++) {
    await new Promise((r) => setTimeout(r, Math.max(0, start + (k * 1000) / hz - performance.now())));
    const u0 = performance.now();
    table.append(stream.feed(logLines(perUpdate)).points);
    parseMs.push(performance.now() - u0);
    chart.update();
    await nextTask(); // uPlot draws in a microtask: wait for the task to end
    updateMs.push(performance.now() - u0);
  }
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
  observer.disconnect();
  const achievedHz = updates / ((performance.now() - start) / 1000);
  return { updateMs, parseMs, longTasks, achievedHz, points: table.rows * SERIES.length, rows: table.rows };
}

(globalThis as unknown as { plotBench: unknown }).plotBench = { setup, updates };
