import { describe, expect, test } from 'vitest';
import { SeriesTable } from '../../../shared/metrics/table';

describe('SeriesTable', () => {
  test('aligns series on one ascending x axis with nulls where a series has no value', () => {
    const t = new SeriesTable();
    t.append([
      { series: 'loss', x: 1, y: 0.5 },
      { series: 'acc', x: 1, y: 0.9 },
      { series: 'loss', x: 2, y: 0.4 },
    ]);
    t.append([{ series: 'val', x: 3, y: 0.3 }]);
    expect(t.xs).toEqual([1, 2, 3]);
    expect(t.column('loss')).toEqual([0.5, 0.4, null]);
    expect(t.column('acc')).toEqual([0.9, null, null]);
    expect(t.column('val')).toEqual([null, null, 0.3]);
    expect(t.names).toEqual(['loss', 'acc', 'val']);
    expect(t.count('loss')).toBe(2);
  });

  test('an earlier x starts over (the run restarted): only the newest run is kept', () => {
    const t = new SeriesTable();
    t.append([
      { series: 'loss', x: 1, y: 0.5 },
      { series: 'loss', x: 2, y: 0.4 },
    ]);
    const gen = t.generation;
    t.append([{ series: 'loss', x: 1, y: 0.7 }]);
    expect(t.xs).toEqual([1]);
    expect(t.column('loss')).toEqual([0.7]);
    expect(t.generation).toBe(gen + 1);
  });
});
