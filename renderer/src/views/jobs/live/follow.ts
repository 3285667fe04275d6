import { metricStream, type ParserChoice } from '../../../../../shared/metrics/stream';
import { SeriesTable } from '../../../../../shared/metrics/table';
import type { ParserKind } from '../../../../../shared/metrics/types';

export interface TailAnswer {
  lines: string[];
  cursor: string;
  restarted: boolean;
  final: boolean;
  note?: string | undefined;
}
export type TailFn = (input: { jobId: string; path: string; lines?: number; cursor?: string }) => Promise<TailAnswer>;

export interface FollowState {
  /** The newest lines, at most SHOWN of them. */
  lines: string[];
  /** Lines read since following began (or since the file restarted). */
  total: number;
  restarted: boolean;
  final: boolean;
  note: string;
  error: string;
  kind: ParserKind;
  xLabel: string;
  /** Series names in the order they appeared. */
  series: string[];
  /** Bumped on every change, so the chart knows to redraw. */
  version: number;
}

const SHOWN = 2000;
// Kept so a change of parser can read the file again from where following began.
const KEPT = 200_000;
const FIRST_LINES = 1000;

/**
 * Follows one live file: the last lines first, then only new ones, polling every `everyMs` while the
 * page is visible, until the job ends. Its numbers go through a metric parser into `table`.
 * A plain store (useSyncExternalStore) so polling and parsing live outside React's render.
 */
export class LiveFollow {
  readonly table = new SeriesTable();
  private all: string[] = [];
  private cursor: string | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The polling loop that may go on: start() and stop() move it on, so a request still out when
   * stop() came ends its loop on arrival instead of carrying on beside the new one (React's
   * StrictMode mounts, unmounts and mounts again in development: one loop, not two).
   */
  private loop = 0;
  private stream;
  private listeners = new Set<() => void>();
  private state: FollowState;

  constructor(
    private readonly jobId: string,
    private readonly path: string,
    private readonly tail: TailFn,
    private readonly everyMs = 3000,
    private choice: ParserChoice = 'auto',
    /** Polls wait while this says no (the page is hidden). */
    private readonly visible: () => boolean = () => true,
  ) {
    this.stream = metricStream(choice);
    this.state = { lines: [], total: 0, restarted: false, final: false, note: '', error: '', kind: 'generic', xLabel: 'line', series: [], version: 0 };
  }

  subscribe = (fn: () => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };

  getSnapshot = (): FollowState => this.state;

  start(): void {
    this.stop();
    void this.poll(this.loop);
  }

  stop(): void {
    this.loop += 1;
    clearTimeout(this.timer);
  }

  /** Read what was followed again with another parser. */
  setParser(choice: ParserChoice): void {
    this.choice = choice;
    this.stream = metricStream(choice);
    this.table.clear();
    this.set(this.parse(this.all));
  }

  private async poll(loop: number): Promise<void> {
    if (loop !== this.loop) return;
    if (!this.visible()) return this.later(loop);
    try {
      const r = await this.tail({ jobId: this.jobId, path: this.path, ...(this.cursor ? { cursor: this.cursor } : { lines: FIRST_LINES }) });
      if (loop !== this.loop) return;
      this.cursor = r.cursor;
      this.take(r);
    } catch (e) {
      if (loop !== this.loop) return;
      this.set({ error: e instanceof Error ? e.message : String(e) });
    }
    if (!this.state.final) this.later(loop);
  }

  private later(loop: number): void {
    this.timer = setTimeout(() => void this.poll(loop), this.everyMs);
  }

  private take(r: TailAnswer): void {
    if (r.restarted) {
      this.all = [];
      this.stream = metricStream(this.choice);
      this.table.clear();
    }
    this.all.push(...r.lines);
    if (this.all.length > KEPT) this.all.splice(0, this.all.length - KEPT);
    const shown = r.restarted ? r.lines : [...this.state.lines, ...r.lines];
    const total = (r.restarted ? 0 : this.state.total) + r.lines.length;
    this.set({
      ...this.parse(r.lines),
      lines: shown.slice(-SHOWN),
      total,
      restarted: r.restarted || this.state.restarted,
      final: r.final,
      note: r.note ?? '',
      error: '',
    });
  }

  private parse(lines: readonly string[]): Pick<FollowState, 'kind' | 'xLabel' | 'series'> {
    const batch = this.stream.feed(lines);
    if (batch.reset) this.table.clear();
    this.table.append(batch.points);
    return { kind: batch.kind, xLabel: batch.xLabel, series: this.table.names };
  }

  private set(patch: Partial<FollowState>): void {
    this.state = { ...this.state, ...patch, version: this.state.version + 1 };
    for (const fn of this.listeners) fn();
  }
}
