// On a terminal the CLI draws a bar while files move, and lists them once it ends (a line written
// under the bar would tear it): failures first, then at most LISTED_AFTER_BAR files and a count.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LISTED_AFTER_BAR, ProgressDisplay } from '../../../cli/progress';
import type { Out } from '../../../cli/output';

type Items = Parameters<ProgressDisplay['finish']>[0];

function capture(): Out & { lines: string[] } {
  const lines: string[] = [];
  return { lines, quiet: false, json: false, log: (m) => lines.push(m), result: (t) => lines.push(t) };
}

function item(n: number, state: 'done' | 'failed' | 'cancelled' | 'running'): Items[number] {
  return {
    id: `t${n}`,
    kind: 'download',
    name: `out-${n}.log`,
    size: 2048,
    state,
    isBatch: false,
    ...(state === 'failed' ? { error: { code: 'network', message: 'connection reset' } } : {}),
  } as Items[number];
}

const overall = { bytesDone: 0, bytesTotal: 4096, bytesPerSecond: 0, etaSeconds: null, active: 1 };
const wasTty = process.stderr.isTTY;
let stderrWrite: typeof process.stderr.write;

describe('ProgressDisplay', () => {
  beforeEach(() => {
    stderrWrite = process.stderr.write;
    process.stderr.write = (() => true) as typeof process.stderr.write; // the bar itself
  });
  afterEach(() => {
    process.stderr.isTTY = wasTty;
    process.stderr.write = stderrWrite;
  });

  it('on a terminal, lists the files after the bar ends, failures first, the rest counted', () => {
    process.stderr.isTTY = true;
    const out = capture();
    const n = LISTED_AFTER_BAR + 5;
    const d = new ProgressDisplay(out, n + 1);
    const done = Array.from({ length: n }, (_, k) => item(k, 'done'));
    d.update({ seq: 1, overall, items: done.slice(0, 3) } as Parameters<ProgressDisplay['update']>[0]);
    expect(out.lines).toEqual([]); // nothing under the bar
    d.finish([...done, item(99, 'failed')]);
    expect(out.lines[0]).toBe('ERROR - out-99.log: connection reset');
    expect(out.lines[1]).toBe('Downloaded out-0.log (2.0 KiB)');
    expect(out.lines).toHaveLength(LISTED_AFTER_BAR + 1);
    expect(out.lines.at(-1)).toBe('… and 6 more');
  });

  it('on a pipe, says each file as it ends; a cancelled one is not called downloaded', () => {
    process.stderr.isTTY = false;
    const out = capture();
    const d = new ProgressDisplay(out, 2);
    d.update({ seq: 1, overall, items: [item(1, 'done'), item(2, 'running')] } as Parameters<ProgressDisplay['update']>[0]);
    const fileLines = () => out.lines.filter((l) => !l.includes(' files, ')); // not the every-10-s line
    expect(fileLines()).toEqual(['Downloaded out-1.log (2.0 KiB)']);
    d.finish([item(1, 'done'), item(2, 'cancelled')]);
    expect(fileLines()).toEqual(['Downloaded out-1.log (2.0 KiB)', 'Cancelled out-2.log']);
  });

  it('on a terminal, draws no bar before the first file (a command that fails first leaves none), then counts the files it has seen', () => {
    process.stderr.isTTY = true;
    const drawn: string[] = [];
    process.stderr.write = ((chunk: string | Uint8Array) => drawn.push(String(chunk)) > 0) as typeof process.stderr.write;
    const out = capture();
    const d = new ProgressDisplay(out, 0); // a folder still being listed: its count is not known yet
    d.update({ seq: 1, overall: { ...overall, bytesTotal: 0 }, items: [] } as Parameters<ProgressDisplay['update']>[0]);
    expect(drawn).toEqual([]);
    d.update({ seq: 2, overall, items: [item(1, 'running'), item(2, 'running'), item(3, 'done')] } as Parameters<ProgressDisplay['update']>[0]);
    expect(drawn.join('')).toMatch(/\/3 files/); // the files seen so far, not the 0 it was made with
    d.expect(5); // the listing ended with 5
    d.finish([item(1, 'done'), item(2, 'done'), item(3, 'done'), item(4, 'done'), item(5, 'done')]);
    expect(drawn.join('')).toMatch(/5\/5 files/);
  });
});
