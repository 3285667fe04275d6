import cliProgress from 'cli-progress';
import type { ProgressBatch } from '../main/core/transfer';
import { clean, type Out } from './output';
import { formatBytes } from '../shared/format';

const eta = (s: number | null) => (s === null ? '--:--' : `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`);

/**
 * Uploads: files registered on the platform, which follow the bytes at its API pace (about 2 a
 * second), with their own ETA; empty while nothing waits for a registration.
 */
export function registrationsText(o: ProgressBatch['overall']): string {
  const r = o.registrations;
  if (!r || r.done >= r.total) return '';
  return `${r.done}/${r.total} registered (ETA ${eta(r.etaSeconds)} at ${r.perSecond}/s)`;
}

/** How many finished files a terminal lists under its bar; a longer list ends with a count. */
export const LISTED_AFTER_BAR = 20;

/**
 * Progress for people: a bar (files, bytes, speed, ETA) on a terminal, then the files it moved;
 * on a pipe, one plain line per finished file and a line every 10 s; nothing with -q or --json.
 */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | null = null;
  private done = new Set<string>();
  private lastLine = 0;
  /**
   * Under a bar, each file's line waits for the bar to end (a line written meanwhile would tear
   * it); failures come first, as what a long list must not hide.
   */
  private held = { failed: [] as string[], ended: [] as string[] };
  /** Files the progress has shown so far: a folder's count grows while it is listed. */
  private readonly seen = new Set<string>();
  /** A terminal gets a bar from the first file on (a command that fails before any leaves no empty bar); never again once stopped. */
  private wantsBar: boolean;
  constructor(
    private readonly out: Out,
    private files: number,
  ) {
    this.wantsBar = !out.quiet && !out.json && process.stderr.isTTY;
  }

  private startBar(): void {
    this.wantsBar = false;
    this.bar = new cliProgress.SingleBar(
      { format: ' {bar} {percentage}% | {files} | {bytes} | {speed} | ETA {etaText}{regs}', stream: process.stderr, hideCursor: true, barsize: 28, fps: 5 },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(1, 0, { files: `0/${this.total} files`, bytes: '', speed: '', etaText: '--:--', regs: '' });
  }

  /** How many files the run has, once known (the count shown is never below the files seen). */
  expect(files: number): void {
    this.files = files;
  }

  private get total(): number {
    return Math.max(this.files, this.seen.size);
  }

  update(b: ProgressBatch): void {
    for (const i of b.items) if (!i.isBatch) this.seen.add(i.id);
    if (this.wantsBar && this.seen.size > 0) this.startBar();
    this.noteEnded(b.items);
    const o = b.overall;
    const regs = registrationsText(o);
    if (this.bar) {
      this.bar.setTotal(Math.max(1, o.bytesTotal));
      this.bar.update(o.bytesDone, {
        files: `${this.done.size}/${this.total} files`,
        bytes: `${formatBytes(o.bytesDone)}/${formatBytes(o.bytesTotal)}`,
        speed: `${formatBytes(o.bytesPerSecond)}/s`,
        // Bytes first: once they are all stored, the bar's ETA is the registrations'.
        etaText: eta(o.bytesDone >= o.bytesTotal && o.registrations ? o.registrations.etaSeconds : o.etaSeconds),
        regs: regs ? ` | ${regs}` : '',
      });
    } else if (!this.out.json && Date.now() - this.lastLine > 10_000 && o.bytesTotal > 0) {
      this.lastLine = Date.now();
      this.out.log(
        `${this.done.size}/${this.total} files, ${formatBytes(o.bytesDone)} of ${formatBytes(o.bytesTotal)}, ${formatBytes(o.bytesPerSecond)}/s, ETA ${eta(o.etaSeconds)}${regs ? `; ${regs}` : ''}`,
      );
    }
  }

  /**
   * The items as they settled: files that ended after the last progress batch (a small file can
   * start and end within one) get their line too, before the summary.
   */
  finish(items: ProgressBatch['items']): void {
    this.noteEnded(items);
    const listed = this.bar ? [...this.held.failed, ...this.held.ended] : [];
    // Its last frame counts the files and bytes that ended since the last progress batch (else a finished run can stay at 97 %).
    // (A resumed run's items include files an earlier run finished, which its total leaves out: capped.)
    const bytes = this.bar
      ? Math.min(
          items.reduce((a, i) => a + i.bytesDone, 0),
          this.bar.getTotal(),
        )
      : 0;
    if (this.bar && bytes > 0) this.bar.update(bytes, { bytes: `${formatBytes(bytes)}/${formatBytes(this.bar.getTotal())}` });
    this.bar?.update({ files: `${this.done.size}/${this.total} files` });
    this.stop();
    for (const line of listed.slice(0, LISTED_AFTER_BAR)) this.out.log(line);
    const more = listed.length - LISTED_AFTER_BAR;
    if (more > 0) this.out.log(`… and ${more.toLocaleString('en-US')} more`);
  }

  private noteEnded(items: ProgressBatch['items']): void {
    for (const i of items) {
      if (i.isBatch || this.done.has(i.id)) continue;
      if (i.state === 'done' || i.state === 'failed' || i.state === 'cancelled') {
        this.done.add(i.id);
        if (this.out.json) continue;
        const line =
          i.state === 'failed'
            ? `ERROR - ${clean(i.name)}: ${i.error?.message ?? 'failed'}`
            : i.state === 'cancelled'
              ? `Cancelled ${clean(i.name)}`
              : i.notice?.code === 'skipped_exists'
                ? i.notice.message
                : `${i.kind === 'upload' ? 'Uploaded' : 'Downloaded'} ${clean(i.name)} (${formatBytes(i.size)})${i.notice ? ` — ${i.notice.message}` : ''}`;
        if (!this.bar) this.out.log(line);
        else (i.state === 'failed' ? this.held.failed : this.held.ended).push(line);
      }
    }
  }

  stop(): void {
    this.wantsBar = false;
    this.bar?.stop();
    this.bar = null;
  }
}
