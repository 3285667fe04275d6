import { describe, expect, test } from 'vitest';
import { chainerLines, CHAINER_EPOCHS, epochStats, foamLines, FOAM_STEPS } from '../../../sandbox/jobs/live-logs';
import { metricStream } from '../../../shared/metrics/stream';
import { SeriesTable } from '../../../shared/metrics/table';

// The sandbox's simulated programs, read the way the Jobs view reads them: a few lines per poll.
function readInPolls(lines: string[], per: number) {
  const stream = metricStream('auto');
  const table = new SeriesTable();
  let kind = '';
  for (let i = 0; i < lines.length; i += per) {
    const b = stream.feed(lines.slice(i, i + per));
    if (b.reset) table.clear();
    table.append(b.points);
    kind = b.kind;
  }
  return { table, kind };
}

describe('metric parsers on the sandbox logs', () => {
  test('the Chainer training log: one row per epoch, every column a series, values as printed', () => {
    const { table, kind } = readInPolls(chainerLines(true), 3);
    expect(kind).toBe('training');
    expect(table.xs).toEqual(Array.from({ length: CHAINER_EPOCHS }, (_, i) => i + 1));
    expect(table.names).toEqual(['main/loss', 'validation/main/loss', 'main/accuracy', 'validation/main/accuracy', 'elapsed_time']);
    expect(table.column('main/loss')[4]).toBeCloseTo(epochStats(5)['main/loss'], 5);
  });

  test('the OpenFOAM log: Ux, Uy and p per time step, x = Time', () => {
    const { table, kind } = readInPolls(foamLines(), 7);
    expect(kind).toBe('openfoam');
    expect(table.names).toEqual(['Ux', 'Uy', 'p']);
    expect(table.rows).toBe(FOAM_STEPS);
    expect(table.xs[0]).toBe(0.005);
    expect(table.xs.at(-1)).toBeCloseTo(FOAM_STEPS * 0.005, 9);
    for (const name of table.names) expect(table.count(name)).toBe(FOAM_STEPS);
  });
});
