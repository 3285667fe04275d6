import uPlot from 'uplot';
import type { SeriesTable } from '../../../shared/metrics/table';

export interface ChartView {
  xLabel: string;
  /** The series to draw, by name, in the table. */
  series: string[];
  log: boolean;
  width: number;
  height: number;
}

// Distinct on light and dark backgrounds; repeats after eight series.
const PALETTE = ['#2f6fde', '#d9482b', '#2a9d55', '#a05bd6', '#d4a017', '#0f9bb3', '#c2418f', '#6b7280'];

const sameView = (a: ChartView | null, b: ChartView) => a !== null && a.xLabel === b.xLabel && a.log === b.log && a.series.join('\n') === b.series.join('\n');

/**
 * A live line chart of a SeriesTable, drawn by uPlot (canvas; it reduces each pixel column to
 * its min/max, so a redraw costs about the chart's width, not the number of points).
 * update() after rows were appended; render() when the choice of series, scale or size changes.
 */
export class StreamChart {
  private plot: uPlot | null = null;
  private view: ChartView | null = null;

  constructor(
    private readonly el: HTMLElement,
    private readonly table: SeriesTable,
  ) {}

  render(view: ChartView): void {
    if (this.plot && sameView(this.view, view)) {
      if (this.view?.width !== view.width || this.view.height !== view.height) this.plot.setSize({ width: view.width, height: view.height });
      this.view = view;
      return;
    }
    this.plot?.destroy();
    this.view = view;
    const opts: uPlot.Options = {
      width: view.width,
      height: view.height,
      scales: { x: { time: false }, y: { distr: view.log ? 3 : 1 } },
      axes: [
        { label: view.xLabel, ...this.axisColours() },
        { size: 70, ...this.axisColours() },
      ],
      legend: { live: false },
      cursor: { drag: { x: true, y: false } },
      series: [{ label: view.xLabel }, ...view.series.map((name, i) => ({ label: name, stroke: PALETTE[i % PALETTE.length], width: 1.5, spanGaps: true }))],
    };
    this.plot = new uPlot(opts, this.data(), this.el);
  }

  /** The page's text colour for labels (uPlot draws black, unreadable in the dark theme), greys for lines. */
  private axisColours(): Pick<uPlot.Axis, 'stroke' | 'grid' | 'ticks'> {
    const ink = getComputedStyle(this.el).color || '#000';
    return { stroke: ink, grid: { stroke: 'rgba(128, 128, 128, 0.25)', width: 1 }, ticks: { stroke: 'rgba(128, 128, 128, 0.4)', width: 1 } };
  }

  /** Redraw with the table's current rows. */
  update(): void {
    this.plot?.setData(this.data());
  }

  destroy(): void {
    this.plot?.destroy();
    this.plot = null;
    this.view = null;
  }

  private data(): uPlot.AlignedData {
    const view = this.view;
    if (!view) return [[]];
    // The table's own arrays, not copies: appending and redrawing stay O(new rows) + O(width).
    // A log scale has no place for zero or less: those values become gaps.
    const ys = view.series.map((name) => {
      const col = this.table.column(name);
      return view.log ? col.map((y) => (y !== null && y > 0 ? y : null)) : col;
    });
    return [this.table.xs, ...ys];
  }
}
