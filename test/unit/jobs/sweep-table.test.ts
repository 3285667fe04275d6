// A sweep's table from a typed grid or a CSV file, and what a person gets wrong in either.
import { describe, expect, test } from 'vitest';
import { CourierError } from '../../../shared/errors';
import { jobTemplate } from '../../../shared/jobs';
import { defaultSweepName, sweepTemplate } from '../../../main/core/jobs/sweep-expand';
import { parseCsv, parseGrid, toCsv, withConstants } from '../../../main/core/jobs/sweep-table';
import { etaText } from '../../../cli/native/sweep';

function refused(f: () => unknown): CourierError {
  try {
    f();
  } catch (e) {
    if (e instanceof CourierError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('grid', () => {
  test('every combination, the first factor slowest; × and x both separate factors', () => {
    const t = parseGrid('lr=0.1,0.01,0.001 × seed=1..2');
    expect(t.columns).toEqual(['lr', 'seed']);
    expect(t.rows).toEqual([
      ['0.1', '1'],
      ['0.1', '2'],
      ['0.01', '1'],
      ['0.01', '2'],
      ['0.001', '1'],
      ['0.001', '2'],
    ]);
    expect(parseGrid('lr=0.1,0.01,0.001 x seed=1..2')).toEqual(t);
    expect(parseGrid('lr=0.1,0.01,0.001×seed=1..2')).toEqual(t);
  });

  test('ranges are inclusive, may descend or be negative; an x inside a value is a value', () => {
    expect(parseGrid('n=3..1').rows).toEqual([['3'], ['2'], ['1']]);
    expect(parseGrid('n=-1..1').rows).toEqual([['-1'], ['0'], ['1']]);
    expect(parseGrid('mesh=2x2,4x4').rows).toEqual([['2x2'], ['4x4']]);
  });

  test('mistakes name the factor', () => {
    expect(refused(() => parseGrid('lr 0.1')).message).toMatch(/"lr 0.1" is not a grid factor/);
    expect(refused(() => parseGrid('lr=')).field).toBe('columns.lr');
    expect(refused(() => parseGrid('lr=0.1,,0.2')).message).toMatch(/empty entry/);
    expect(refused(() => parseGrid('2lr=1')).field).toBe('columns.2lr');
    expect(refused(() => parseGrid('lr=1 x lr=2')).message).toMatch(/"lr" appears twice/);
    expect(refused(() => parseGrid('row=1,2')).message).toMatch(/fills itself/);
    expect(refused(() => parseGrid('a=1..200 x b=1..100')).message).toMatch(/20,000 rows; at most 10,000/);
  });
});

describe('CSV', () => {
  test('quotes, embedded commas and a BOM are read as a spreadsheet writes them', () => {
    const t = parseCsv('\uFEFFcase_id,args\n"a, b","say ""hi"""\nplain,x\n');
    expect(t.columns).toEqual(['case_id', 'args']);
    expect(t.rows).toEqual([
      ['a, b', 'say "hi"'],
      ['plain', 'x'],
    ]);
  });

  test('what comes out as CSV reads back the same', () => {
    const rows = [
      ['a, b', 'say "hi"'],
      ['line\nbreak', ' padded '],
    ];
    expect(parseCsv(toCsv(['x', 'y'], rows)).rows).toEqual([
      ['a, b', 'say "hi"'],
      ['line\nbreak', ' padded '], // spaces inside quotes are kept
    ]);
  });

  test('mistakes name the row, line or column', () => {
    expect(refused(() => parseCsv('lr,seed\n')).message).toMatch(/header but no rows/);
    expect(refused(() => parseCsv('lr,seed\n1,\n')).message).toBe('Row 1 (line 2) has no value for column "seed".');
    expect(refused(() => parseCsv('lr,seed\n1,2,3\n')).message).toMatch(/cannot be read.*line 2/i);
    expect(refused(() => parseCsv('lr,"se ed"\n1,2\n')).field).toBe('columns.se ed');
  });
});

describe('the template each row is launched from', () => {
  const t = jobTemplate.parse({
    id: 't',
    name: 'T',
    jobName: 'run',
    analysis: { code: 'c', version: 'v' },
    hardware: { coreType: 'emerald', coresPerSlot: 1 },
    command: 'go {lr}',
    parameters: [{ name: 'lr' }, { name: 'other', default: 'x' }],
  });

  test('columns and {row} become parameters; a name that does not vary gets the row number', () => {
    const s = sweepTemplate(t, ['lr']);
    expect(s.parameters.map((p) => p.name)).toEqual(['other', 'lr', 'row']);
    expect(s.jobName).toBe('run #{row}');
    expect(sweepTemplate({ ...t, jobName: 'run {lr}' }, ['lr']).jobName).toBe('run {lr}');
  });

  test('the default name is the same for the same template, rows and inputs', () => {
    const table = parseGrid('lr=1,2');
    expect(defaultSweepName('t', table, [])).toBe(defaultSweepName('t', parseGrid('lr=1,2'), []));
    expect(defaultSweepName('t', table, [])).not.toBe(defaultSweepName('t', parseGrid('lr=1,3'), []));
  });
});

test('waits are said as a person plans with them', () => {
  expect([0, 30, 89, 240, 3600, 7200].map(etaText)).toEqual(['now', '~30 s', '~89 s', '~4 min', '~60 min', '~2.0 h']);
});

describe('constants (--value)', () => {
  test("each becomes a column holding its value on every row, after the table's own", () => {
    const t = withConstants(parseGrid('lr=0.1,0.01'), { epochs: '20', note: 'a, "b"' });
    expect(t.columns).toEqual(['lr', 'epochs', 'note']);
    expect(t.rows).toEqual([
      ['0.1', '20', 'a, "b"'],
      ['0.01', '20', 'a, "b"'],
    ]);
    expect(withConstants(parseGrid('lr=0.1'), {})).toEqual(parseGrid('lr=0.1'));
  });

  test('a name the table has too, or one that cannot be a placeholder, is refused naming it', () => {
    expect(refused(() => withConstants(parseGrid('lr=0.1 x seed=1..2'), { seed: '7' })).message).toBe(
      "seed is a column of the sweep's table and also given one value for every row (--value); give it in one place.",
    );
    expect(refused(() => withConstants(parseGrid('lr=0.1'), { '1x': '7' })).message).toMatch(/Column "1x" is not a usable placeholder name/);
    expect(refused(() => withConstants(parseGrid('lr=0.1'), { row: '7' })).message).toMatch(/Column "row" is a name Courier fills itself/);
  });
});
