import type { MetricPoint } from './types';

/**
 * Points of every series on one shared, ascending x axis, the columnar shape uPlot draws
 * ([xs, ys1, ys2, …], null where a series has no value at that x). Appending is O(points):
 * a point at the last x fills that row, a later x adds a row. An earlier x means the log
 * started over (a training run restarted in the same file): the table keeps the newest run.
 */
export class SeriesTable {
  readonly xs: number[] = [];
  private readonly columns = new Map<string, Array<number | null>>();
  /** Bumped whenever rows are dropped, so a chart knows to take the data afresh. */
  generation = 0;

  get names(): string[] {
    return [...this.columns.keys()];
  }

  get rows(): number {
    return this.xs.length;
  }

  column(name: string): Array<number | null> {
    return this.columns.get(name) ?? new Array<number | null>(this.xs.length).fill(null);
  }

  clear(): void {
    this.xs.length = 0;
    this.columns.clear();
    this.generation += 1;
  }

  append(points: readonly MetricPoint[]): void {
    for (const p of points) {
      let last = this.xs.at(-1);
      if (last !== undefined && p.x < last) {
        this.clear();
        last = undefined;
      }
      if (last === undefined || p.x !== last) {
        this.xs.push(p.x);
        for (const col of this.columns.values()) col.push(null);
      }
      let col = this.columns.get(p.series);
      if (!col) {
        col = new Array<number | null>(this.xs.length).fill(null);
        this.columns.set(p.series, col);
      }
      col[this.xs.length - 1] = p.y;
    }
  }

  /** How many values a series has (the points it would draw). */
  count(name: string): number {
    let n = 0;
    for (const y of this.column(name)) if (y !== null) n += 1;
    return n;
  }
}
