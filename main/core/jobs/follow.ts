// Following a live file when the platform only answers "the last N lines". The cursor remembers
// how many complete lines were handed out and short hashes of the last few; each new window is
// aligned on those lines, so nothing is repeated or skipped at the seams. Where the window cannot
// tell (more new lines than it holds; last lines that repeat, so they fit at several places) the
// answer says lines may be missing rather than guessing silently. Hand-written: this is the
// platform's own tail contract, no library models it.
import { createHash } from 'node:crypto';
import { CourierError } from '../../../shared/errors';

/** Lines of the anchor: enough that a repeated block of log lines rarely matches by accident. */
export const ANCHOR_LINES = 8;
/** The widest window asked for while looking for the anchor (the contract's own maximum). */
export const MAX_WINDOW = 5000;

export interface FollowState {
  runId: string;
  path: string;
  /** Complete lines handed out since the file (re)started; -1 when unknown (after a gap). */
  seen: number;
  /** Hashes of the last handed-out lines, oldest first (at most ANCHOR_LINES). */
  anchor: string[];
}

/** What one read of the platform gave: the last lines of the file, complete ones only. */
export interface TailWindow {
  lines: string[];
  /** The window holds the whole file (fewer lines came back than were asked for). */
  whole: boolean;
}

/**
 * `gap`: more lines came than the widest window holds; some are not handed out. `ambiguous`: the
 * anchor matched at more than one place (the last handed-out lines repeat, e.g. 8+ identical
 * lines), so the newest match was taken and new lines identical to the anchor may be missing.
 */
export type Alignment = { kind: 'lines'; fresh: string[]; restarted: boolean; gap: boolean; ambiguous: boolean; state: FollowState } | { kind: 'widen' };

const hash = (line: string) => createHash('sha256').update(line).digest('base64url').slice(0, 12);

function after(state: FollowState, fresh: string[], seen: number, restarted: boolean, gap = false): Extract<Alignment, { kind: 'lines' }> {
  const anchor = restarted || gap ? fresh.slice(-ANCHOR_LINES).map(hash) : [...state.anchor, ...fresh.map(hash)].slice(-ANCHOR_LINES);
  return { kind: 'lines', fresh, restarted, gap, ambiguous: false, state: { ...state, seen, anchor } };
}

const matchesAt = (hashes: string[], end: number, anchor: string[]) => end >= anchor.length && anchor.every((h, i) => hashes[end - anchor.length + i] === h);

function matchesEarlier(hashes: string[], end: number, anchor: string[]): boolean {
  for (let e = end - 1; e >= anchor.length; e--) if (matchesAt(hashes, e, anchor)) return true;
  return false;
}

/** The first read: the last `want` lines of the window. */
export function startFollow(runId: string, path: string, w: TailWindow, want: number): { fresh: string[]; state: FollowState } {
  const fresh = w.lines.slice(-want);
  return { fresh, state: { runId, path, seen: w.whole ? w.lines.length : -1, anchor: w.lines.slice(-ANCHOR_LINES).map(hash) } };
}

/**
 * Where the window continues what was handed out. A whole-file window is checked at the exact
 * line number (a shorter file, or other lines there, is a rewrite); a partial one is searched
 * for the anchor, newest match first. No match: widen the window, or, when it cannot grow,
 * start over (a whole file) or report a gap (more lines came than the widest window holds).
 */
export function alignWindow(state: FollowState, w: TailWindow, canWiden: boolean): Alignment {
  const hashes = w.lines.map(hash);
  if (state.seen === 0 && state.anchor.length === 0) {
    if (w.whole) return after(state, w.lines, w.lines.length, false);
    return canWiden ? { kind: 'widen' } : after(state, w.lines, -1, false, true);
  }
  if (w.whole && state.seen >= 0) {
    if (matchesAt(hashes, state.seen, state.anchor)) return after(state, w.lines.slice(state.seen), w.lines.length, false);
    return after(state, w.lines, w.lines.length, true);
  }
  for (let end = hashes.length; end >= state.anchor.length; end--) {
    if (matchesAt(hashes, end, state.anchor)) {
      const fresh = w.lines.slice(end);
      // Another, older match: the window cannot say which one is where the reader stopped.
      // Taking the newest repeats nothing but may skip lines equal to the anchor: said, and the
      // line count is no longer known.
      if (matchesEarlier(hashes, end, state.anchor)) return { ...after(state, fresh, w.whole ? w.lines.length : -1, false), ambiguous: true };
      return after(state, fresh, w.whole ? w.lines.length : state.seen >= 0 ? state.seen + fresh.length : -1, false);
    }
  }
  if (canWiden && !w.whole) return { kind: 'widen' };
  if (w.whole) return after(state, w.lines, w.lines.length, true);
  return after(state, w.lines, -1, false, true);
}

/** The next window size to ask for, or null at the widest. */
export function widerWindow(current: number): number | null {
  return current >= MAX_WINDOW ? null : Math.min(MAX_WINDOW, current * 4);
}

export function encodeCursor(s: FollowState): string {
  return Buffer.from(JSON.stringify({ v: 1, r: s.runId, p: s.path, n: s.seen, a: s.anchor }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): FollowState {
  const bad = () => new CourierError('invalid_input', 'The cursor is not one Courier gave out: start again without a cursor.', { field: 'cursor' });
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const o = v as { v?: unknown; r?: unknown; p?: unknown; n?: unknown; a?: unknown };
  if (!o || o.v !== 1 || typeof o.r !== 'string' || typeof o.p !== 'string' || !Number.isInteger(o.n) || (o.n as number) < -1) throw bad();
  if (!Array.isArray(o.a) || o.a.length > ANCHOR_LINES || !o.a.every((h) => typeof h === 'string' && /^[A-Za-z0-9_-]{12}$/.test(h))) throw bad();
  return { runId: o.r, path: o.p, seen: o.n as number, anchor: o.a as string[] };
}
