// Speed/ETA smoothing and event coalescing, computed in one place (the main thread).
//
// Speed: an exponentially weighted moving average over the time between byte movements, so
// 16 MiB part steps and 10 Hz sampling do not make it saw-tooth, with a hold: when nothing
// moved for a moment (a part boundary, a retry) the last speed is kept for `holdMs` and only
// then decays, instead of flashing 0 B/s (an Interlink complaint).
//
// Events: at most one batch per `intervalMs` (latest state wins); a terminal state (done,
// failed, cancelled) is sent at once, but never closer than `terminalSpacingMs` to the previous
// batch, so 10,000 small files finishing cannot flood the UI.

export class SpeedMeter {
  private rate = 0;
  private lastBytes = 0;
  private lastMoveT: number | null = null;

  constructor(
    private readonly tauMs = 2500,
    private readonly holdMs = 3000,
  ) {}

  sample(bytes: number, t: number): void {
    if (this.lastMoveT === null) {
      this.lastMoveT = t;
      this.lastBytes = bytes;
      return;
    }
    const delta = bytes - this.lastBytes;
    if (delta < 0) {
      // A failed attempt's bytes were rolled back: restart the baseline, keep the speed.
      this.lastBytes = bytes;
      return;
    }
    if (delta === 0) return;
    const span = Math.max(1, t - this.lastMoveT);
    const inst = (delta * 1000) / span;
    const alpha = 1 - Math.exp(-span / this.tauMs);
    this.rate = this.rate === 0 ? inst : this.rate + alpha * (inst - this.rate);
    this.lastMoveT = t;
    this.lastBytes = bytes;
  }

  /** Bytes/s as shown at time t. */
  value(t: number): number {
    if (this.lastMoveT === null) return 0;
    const idle = t - this.lastMoveT - this.holdMs;
    const v = idle > 0 ? this.rate * Math.exp(-idle / this.tauMs) : this.rate;
    return v < 1 ? 0 : v;
  }

  reset(): void {
    this.rate = 0;
    this.lastMoveT = null;
    this.lastBytes = 0;
  }
}

export function eta(remaining: number, bytesPerSecond: number): number | null {
  if (remaining <= 0) return 0;
  if (bytesPerSecond <= 0) return null;
  return Math.ceil(remaining / bytesPerSecond);
}

/** Decides when to emit; the owner builds the batch. */
export class Coalescer {
  private last = -Infinity;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = Infinity;

  constructor(
    private readonly emit: () => void,
    private readonly now: () => number,
    private readonly intervalMs = 100,
    private readonly terminalSpacingMs = 20,
  ) {}

  /** Something changed; `terminal` asks for prompt delivery. */
  poke(terminal: boolean): void {
    const t = this.now();
    const at = this.last + (terminal ? this.terminalSpacingMs : this.intervalMs);
    this.schedule(Math.max(t, at));
  }

  private schedule(at: number): void {
    if (at >= this.dueAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    const delay = Math.max(0, at - this.now());
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref?.();
  }

  private fire(): void {
    this.timer = null;
    this.dueAt = Infinity;
    this.last = this.now();
    this.emit();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = Infinity;
  }
}
