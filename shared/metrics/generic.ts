import { NUMBER, toNumber, type MetricParser, type MetricPoint } from './types';

// `name=value` or `name: value`; a name starts with a letter so clock times (12:30:05) are not read.
const PAIR = new RegExp(String.raw`([A-Za-z_][\w./-]*)\s*(?:=|:)\s*(${NUMBER})(?![\w.:/])`, 'g');

/** Every name/value pair found in one line, in order. */
export function pairsOf(line: string): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (const m of line.matchAll(PAIR)) {
    const value = toNumber(m[2]);
    if (m[1] !== undefined && value !== null) out.push([m[1], value]);
  }
  return out;
}

/** Any log: each `name=value` / `name: value` is a point of series `name`; x is the line number. */
export function genericParser(): MetricParser {
  let line = 0;
  return {
    kind: 'generic',
    xLabel: 'line',
    feed(lines) {
      const points: MetricPoint[] = [];
      for (const text of lines) {
        line += 1;
        for (const [series, y] of pairsOf(text)) points.push({ series, x: line, y });
      }
      return points;
    },
  };
}
