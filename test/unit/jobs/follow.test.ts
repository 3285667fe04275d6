// The follow cursor: the platform answers only "the last N lines", so each window is aligned on
// the lines already handed out. Every case compares with what a reader of the whole file saw.
import { describe, expect, test } from 'vitest';
import {
  ANCHOR_LINES,
  alignWindow,
  decodeCursor,
  encodeCursor,
  MAX_WINDOW,
  startFollow,
  widerWindow,
  type FollowState,
  type TailWindow,
} from '../../../main/core/jobs/follow';
import { splitText } from '../../../main/core/rescale/live-api';

/** What the platform's tail returns for `text`: its last `n` lines, a last line without newline dropped (as the core does). */
function tail(text: string, n: number): TailWindow {
  const t = splitText(text);
  const all = t.lines;
  const window = all.slice(-n);
  return { lines: t.complete ? window : window.slice(0, -1), whole: all.length < n };
}

/** Follows `versions` of a file (each read once), widening like the core; returns what a reader saw. */
function follow(versions: string[], n: number): { seen: string[]; restarts: number; gaps: number; ambiguous: number } {
  const first = startFollow('1', 'log', tail(versions[0]!, n), 1_000_000);
  let state: FollowState = first.state;
  let seen = [...first.fresh];
  let restarts = 0;
  let gaps = 0;
  let ambiguous = 0;
  for (const text of versions.slice(1)) {
    for (let size: number | null = n; size !== null; size = widerWindow(size)) {
      const a = alignWindow(state, tail(text, size), widerWindow(size) !== null);
      if (a.kind === 'widen') continue;
      if (a.restarted) {
        restarts++;
        seen = [];
      }
      if (a.gap) gaps++;
      if (a.ambiguous) ambiguous++;
      seen.push(...a.fresh);
      state = a.state;
      break;
    }
  }
  return { seen, restarts, gaps, ambiguous };
}

const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `line ${from + i}`);
const text = (ls: string[]) => (ls.length ? `${ls.join('\n')}\n` : '');

describe('following a file through last-N-lines windows', () => {
  test('small growth overlaps the window: each line once, in order', () => {
    const versions = [text(lines(0, 10)), text(lines(0, 15)), text(lines(0, 15)), text(lines(0, 40))];
    expect(follow(versions, 64)).toEqual({ seen: lines(0, 40), restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('growth beyond the window (no overlap): the window widens until the anchor is found', () => {
    const versions = [text(lines(0, 100)), text(lines(0, 1000)), text(lines(0, 1005))];
    const r = follow(versions, 20);
    // The first read showed the last 20 lines; from there on, every line once.
    expect(r).toEqual({ seen: lines(80, 1005), restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('truncation: a shorter file starts over (restarted) with all its lines', () => {
    const versions = [text(lines(0, 30)), text(['fresh 0', 'fresh 1']), text(['fresh 0', 'fresh 1', 'fresh 2'])];
    expect(follow(versions, 64)).toEqual({ seen: ['fresh 0', 'fresh 1', 'fresh 2'], restarts: 1, gaps: 0, ambiguous: 0 });
  });

  test('a rewrite to as many lines but other content starts over', () => {
    const other = lines(0, 30).map((l) => `${l}!`);
    expect(follow([text(lines(0, 30)), text(other)], 64)).toEqual({ seen: other, restarts: 1, gaps: 0, ambiguous: 0 });
  });

  test('a rewrite of a file larger than the widest window: the anchor is gone, it starts over', () => {
    const big = lines(0, MAX_WINDOW + 100);
    const rewritten = big.map((l) => `new ${l}`);
    const r = follow([text(big), text(rewritten)], 64);
    // A tail-only platform cannot tell a huge rewrite from a huge growth: said as a gap.
    expect(r.gaps + r.restarts).toBe(1);
    expect(r.seen.slice(-MAX_WINDOW)).toEqual(rewritten.slice(-MAX_WINDOW));
  });

  test('an empty file, then lines', () => {
    expect(follow(['', '', text(lines(0, 3)), text(lines(0, 5))], 64)).toEqual({ seen: lines(0, 5), restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('a line that grows without a newline is handed out once, when it ends', () => {
    const versions = ['a\nb\nhal', 'a\nb\nhalf a li', 'a\nb\nhalf a line\n', 'a\nb\nhalf a line\nc\n'];
    expect(follow(versions, 64)).toEqual({ seen: ['a', 'b', 'half a line', 'c'], restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('repeated identical lines (blank lines, separators) are neither merged nor doubled', () => {
    const block = (k: number) => [`Time = ${k}`, '', 'solve', 'solve', '', '----'];
    const all = Array.from({ length: 50 }, (_, k) => block(k)).flat();
    const versions = [6, 13, 30, 31, 100, 250, all.length].map((n) => text(all.slice(0, n)));
    expect(follow(versions, 8)).toEqual({ seen: all, restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('with a partial window, the anchor is searched; a file that was never whole still aligns', () => {
    const versions = [text(lines(0, 500)), text(lines(0, 510)), text(lines(0, 530))];
    const r = follow(versions, 64);
    expect(r.seen.slice(-30)).toEqual(lines(500, 530));
    expect(r.seen).toEqual(lines(0, 530).slice(-r.seen.length));
    expect(new Set(r.seen).size).toBe(r.seen.length);
  });

  test('8+ identical lines at the end of a file longer than the window: new identical lines may be missed, and that is said', () => {
    const base = [...lines(0, 200), ...Array.from({ length: 12 }, () => 'waiting for license')];
    const grown = [...base, ...Array.from({ length: 3 }, () => 'waiting for license'), 'license granted'];
    const r = follow([text(base), text(grown.slice(0, -1)), text(grown)], 64);
    // The anchor (8 identical lines) fits the second window at 4 places: the newest is taken.
    expect(r.ambiguous).toBeGreaterThanOrEqual(1);
    expect(r.seen.at(-1)).toBe('license granted');
    expect(r.seen.length).toBeLessThanOrEqual(64 + 4); // never more than once: nothing repeated
    expect(r.gaps + r.restarts).toBe(0);
  });

  test('an anchor that fits one place only is not ambiguous, even among repeated lines', () => {
    const all = [...lines(0, 200), ...Array.from({ length: 7 }, () => 'same'), 'other', ...Array.from({ length: 7 }, () => 'same')];
    const r = follow([text(all.slice(0, 210)), text(all)], 64);
    // The first read shows the last 64 of 210 lines; the anchor [same ×5, other, same, same] fits once.
    expect(r).toEqual({ seen: all.slice(210 - 64), restarts: 0, gaps: 0, ambiguous: 0 });
  });

  test('more new lines than the widest window: a gap is reported, not hidden', () => {
    const versions = [text(lines(0, 10)), text(lines(0, MAX_WINDOW * 2))];
    const r = follow(versions, 64);
    expect(r.gaps).toBe(1);
    expect(r.seen.slice(-MAX_WINDOW)).toEqual(lines(MAX_WINDOW, MAX_WINDOW * 2));
  });
});

describe('cursor', () => {
  test('round trip, and refusal of anything else', () => {
    const s: FollowState = { runId: '1', path: 'result/log', seen: 42, anchor: startFollow('1', 'x', { lines: lines(0, 20), whole: true }, 5).state.anchor };
    expect(s.anchor).toHaveLength(ANCHOR_LINES);
    expect(decodeCursor(encodeCursor(s))).toEqual(s);
    for (const bad of [
      '',
      'not-base64!',
      Buffer.from('{"v":2}').toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, r: '1', p: 'x', n: 1, a: ['../../etc'] })).toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(/cursor is not one Courier gave out/);
    }
  });
});
