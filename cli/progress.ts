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

/**
 * Progress for people: a bar (files, bytes, speed, ETA) on a terminal; on a pipe, one plain
 * line per finished file and a line every 10 s; nothing with -q or --json.
 */
export class ProgressDisplay {
  private bar: cliProgress.SingleBar | null = null;
  private done = new Set<string>();
  private lastLine = 0;
  constructor(
    private readonly out: Out,
    private readonly files: number,
  ) {
    if (!out.quiet && !out.json && process.stderr.isTTY) {
      this.bar = new cliProgress.SingleBar(
        { format: ' {bar} {percentage}% | {files} | {bytes} | {speed} | ETA {etaText}{regs}', stream: process.stderr, hideCursor: true, barsize: 28, fps: 5 },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(1, 0, { files: `0/${files} files`, bytes: '', speed: '', etaText: '--:--', regs: '' });
    }
  }

  update(b: ProgressBatch): void {
    this.noteEnded(b.items);
    const o = b.overall;
    const regs = registrationsText(o);
    if (this.bar) {
      this.bar.setTotal(Math.max(1, o.bytesTotal));
      this.bar.update(o.bytesDone, {
        files: `${this.done.size}/${this.files} files`,
        bytes: `${formatBytes(o.bytesDone)}/${formatBytes(o.bytesTotal)}`,
        speed: `${formatBytes(o.bytesPerSecond)}/s`,
        // Bytes first: once they are all stored, the bar's ETA is the registrations'.
        etaText: eta(o.bytesDone >= o.bytesTotal && o.registrations ? o.registrations.etaSeconds : o.etaSeconds),
        regs: regs ? ` | ${regs}` : '',
      });
    } else if (!this.out.json && Date.now() - this.lastLine > 10_000 && o.bytesTotal > 0) {
      this.lastLine = Date.now();
      this.out.log(
        `${this.done.size}/${this.files} files, ${formatBytes(o.bytesDone)} of ${formatBytes(o.bytesTotal)}, ${formatBytes(o.bytesPerSecond)}/s, ETA ${eta(o.etaSeconds)}${regs ? `; ${regs}` : ''}`,
      );
    }
  }

  /**
   * The items as they settled: files that ended after the last progress batch (a small file can
   * start and end within one) get their line too, before the summary.
   */
  finish(items: ProgressBatch['items']): void {
    this.noteEnded(items);
    this.stop();
  }

  private noteEnded(items: ProgressBatch['items']): void {
    for (const i of items) {
      if (i.isBatch || this.done.has(i.id)) continue;
      if (i.state === 'done' || i.state === 'failed' || i.state === 'cancelled') {
        this.done.add(i.id);
        if (!this.bar && !this.out.json) {
          if (i.state === 'failed') this.out.log(`ERROR - ${clean(i.name)}: ${i.error?.message ?? 'failed'}`);
          else if (i.notice?.code === 'skipped_exists') this.out.log(i.notice.message);
          else
            this.out.log(
              `${i.kind === 'upload' ? 'Uploaded' : 'Downloaded'} ${clean(i.name)} (${formatBytes(i.size)})${i.notice ? ` — ${i.notice.message}` : ''}`,
            );
        }
      }
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
