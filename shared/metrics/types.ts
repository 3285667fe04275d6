/** One number read from a log line: `y` of series `series` at `x` (epoch, simulated time, line). */
export interface MetricPoint {
  series: string;
  x: number;
  y: number;
}

/** Reads a growing log a batch of lines at a time and returns only the points those lines add. */
export interface MetricParser {
  readonly kind: ParserKind;
  /** What the x axis counts, for the chart's label. */
  readonly xLabel: string;
  feed(lines: readonly string[]): MetricPoint[];
}

export type ParserKind = 'training' | 'openfoam' | 'generic';

// A decimal or scientific number as logs print them (0.123, 1e-06, -3.2E+01, .5).
export const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;

export function toNumber(s: string | undefined): number | null {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
