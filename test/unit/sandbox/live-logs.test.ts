// The simulated programs' output: formats a log parser will meet on the real thing, and the
// tail endpoint's "last N lines" with a line still being written.
import { describe, expect, test } from 'vitest';
import { lastLines } from '../../../sandbox/api/live';
import { chainerLines, chainerLogReport, CHAINER_EPOCHS, epochStats, fmtG, foamLines, FOAM_STEPS } from '../../../sandbox/jobs/live-logs';

describe('simulated program output', () => {
  test('fmtG prints like C/Python %g', () => {
    expect([0, 1, 0.5, 0.0123, 8.90511e-6, 1234567, 0.000123456789, -2.5e-19].map((x) => fmtG(x))).toEqual([
      '0',
      '1',
      '0.5',
      '0.0123',
      '8.90511e-06',
      '1.23457e+06',
      '0.000123457',
      '-2.5e-19',
    ]);
  });

  test("chainer: PrintReport's header and one row per epoch, the loss falling; LogReport JSON agrees", () => {
    const lines = chainerLines(true);
    const header = lines.findIndex((l) => l.startsWith('epoch'));
    expect(lines[header]!.split(/\s{2,}/)).toEqual(['epoch', 'main/loss', 'validation/main/loss', 'main/accuracy', 'validation/main/accuracy', 'elapsed_time']);
    const rows = lines.slice(header + 1).map((l) => l.trim().split(/\s+/).map(Number));
    expect(rows).toHaveLength(CHAINER_EPOCHS);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: CHAINER_EPOCHS }, (_, i) => i + 1));
    expect(rows.at(-1)![1]).toBeLessThan(rows[0]![1]! / 5);
    const report = JSON.parse(chainerLogReport(3)) as ReturnType<typeof epochStats>[];
    expect(report.map((r) => r['main/loss'])).toEqual(rows.slice(0, 3).map((r) => r[1]));
  });

  test('openfoam: a residual block per time step, converging', () => {
    const lines = foamLines();
    const ux = lines.filter((l) => l.startsWith('smoothSolver:  Solving for Ux, '));
    expect(ux).toHaveLength(FOAM_STEPS);
    const m = /^smoothSolver: {2}Solving for Ux, Initial residual = ([\d.e+-]+), Final residual = ([\d.e+-]+), No Iterations (\d+)$/;
    const first = m.exec(ux[0]!)!;
    const last = m.exec(ux.at(-1)!)!;
    expect(Number(last[1])).toBeLessThan(Number(first[1]) / 20);
    expect(lines.filter((l) => /^Time = [\d.]+$/.test(l))[0]).toBe('Time = 0.005');
    expect(lines.at(-2)).toBe('End');
  });

  test('a restarted program prints other numbers (a rerun is never byte-identical)', () => {
    expect(foamLines(1)).not.toEqual(foamLines(0));
    expect(chainerLines(true, 1).slice(-3)).not.toEqual(chainerLines(true, 0).slice(-3));
  });

  test('tail: the last N lines, a line without newline counted and kept as it is', () => {
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n');
    expect(lastLines('a\nb\nhal', 2)).toBe('b\nhal');
    expect(lastLines('a\n', 5)).toBe('a\n');
    expect(lastLines('', 5)).toBe('');
  });
});
