import { pairsOf } from './generic';
import { NUMBER, toNumber, type MetricParser, type MetricPoint } from './types';

// Chainer's PrintReport header: `epoch  main/loss  main/accuracy  …  elapsed_time`.
const HEADER = /^\s*(epoch|iteration)(\s{2,}[A-Za-z_][\w/.-]*)+\s*$/;
// PyTorch-style: `Epoch 3 …`, `Epoch [3/10] …`, `epoch=3 …`, `Train Epoch: 3 [1280/60000 (2%)] …`.
const EPOCH = /\bepoch\b\s*[:=]?\s*\[?\s*(\d+)(?:\s*\/\s*\d+)?\]?/i;
// Progress within the epoch after it: `[1280/60000`, `Step [100/600]`, `batch 3/50`.
const PROGRESS = /(\d+)\s*\/\s*(\d+)/;
const X_COLUMNS = new Set(['epoch', 'iteration']);

export const isTrainingLine = (line: string): boolean => HEADER.test(line) || (EPOCH.test(line) && pairsOf(line.replace(EPOCH, '')).length > 0);

interface Columns {
  names: string[];
  starts: number[];
}

function headerOf(line: string): Columns {
  const names: string[] = [];
  const starts: number[] = [];
  for (const m of line.matchAll(/\S+/g)) {
    names.push(m[0]);
    starts.push(m.index);
  }
  return { names, starts };
}

/** The values of a table row: by order when every cell is there, else by the header's columns
 *  (PrintReport leaves a blank where a value was not reported, e.g. validation every N epochs). */
function cellsOf(line: string, h: Columns): Array<number | null> | null {
  const tokens = line.trim().split(/\s+/);
  if (tokens.length === 0 || !tokens.every((t) => new RegExp(`^${NUMBER}$`).test(t))) return null;
  if (tokens.length === h.names.length) return tokens.map((t) => toNumber(t));
  return h.starts.map((start, i) => toNumber(line.slice(start, h.starts[i + 1] ?? line.length)));
}

function tableRow(line: string, h: Columns, row: number): MetricPoint[] | null {
  const cells = cellsOf(line, h);
  if (!cells) return null;
  const xAt = h.names.findIndex((n) => X_COLUMNS.has(n));
  const x = (xAt >= 0 ? cells[xAt] : null) ?? row;
  const points: MetricPoint[] = [];
  cells.forEach((y, i) => {
    const series = h.names[i];
    if (y !== null && series !== undefined && !X_COLUMNS.has(series)) points.push({ series, x, y });
  });
  return points;
}

/** `Epoch 3 [1280/60000] loss: 0.12 acc: 0.95` → x = 2 + 1280/60000; without progress x = 3. */
function epochLine(line: string): MetricPoint[] {
  const e = EPOCH.exec(line);
  if (!e?.[1]) return [];
  const rest = line.slice(e.index + e[0].length);
  const p = PROGRESS.exec(rest);
  const done = toNumber(p?.[1]);
  const total = toNumber(p?.[2]);
  const epoch = Number(e[1]);
  const x = done !== null && total !== null && total > 0 && done <= total ? epoch - 1 + done / total : epoch;
  return pairsOf(rest.replace(PROGRESS, ' ')).map(([series, y]) => ({ series, x, y }));
}

/**
 * Training logs: Chainer's PrintReport table (x = the epoch column) and PyTorch-style
 * `Epoch N … name: value` lines. Chainer's progress bar between rows is skipped.
 */
export function trainingParser(): MetricParser {
  let header: Columns | null = null;
  let rows = 0;
  return {
    kind: 'training',
    xLabel: 'epoch',
    feed(lines) {
      const points: MetricPoint[] = [];
      for (const line of lines) {
        if (HEADER.test(line)) {
          header = headerOf(line);
          continue;
        }
        const row = header ? tableRow(line, header, rows + 1) : null;
        if (row) {
          rows += 1;
          points.push(...row);
        } else {
          points.push(...epochLine(line));
        }
      }
      return points;
    },
  };
}
