// A sweep's table: named columns and rows of values, from a CSV file (parsed by csv-parse, which
// handles quoting, embedded commas and newlines, and BOMs) or from a grid the person types,
// `lr=0.1,0.01,0.001 × seed=1..5`: every combination, the first factor varying slowest.
import { parse } from 'csv-parse/sync';
import { CourierError } from '../../../shared/errors';
import { BUILTIN_PLACEHOLDERS, PLACEHOLDER_NAME } from '../../../shared/jobs';
import { SWEEP_MAX_ROWS, type SweepTable } from '../../../shared/sweeps';

export interface Table {
  columns: string[];
  /** Row i holds the values of `columns`, in order. */
  rows: string[][];
}

/** Names Courier fills itself: a column cannot take them. */
const RESERVED = new Set<string>([...BUILTIN_PLACEHOLDERS, 'row']);

function checkColumns(columns: string[], field: string): void {
  if (columns.length === 0) throw new CourierError('invalid_input', 'The sweep has no columns: give at least one parameter, e.g. lr=0.1,0.01.', { field });
  const seen = new Set<string>();
  for (const c of columns) {
    if (!PLACEHOLDER_NAME.test(c))
      throw new CourierError('invalid_input', `Column "${c}" is not a usable placeholder name: use letters, digits and _ (not starting with a digit).`, {
        field: `columns.${c}`,
      });
    if (RESERVED.has(c))
      throw new CourierError('invalid_input', `Column "${c}" is a name Courier fills itself ({${c}}); rename the column.`, { field: `columns.${c}` });
    if (seen.has(c)) throw new CourierError('invalid_input', `Column "${c}" appears twice.`, { field: `columns.${c}` });
    seen.add(c);
  }
}

function tooMany(n: number, field: string): CourierError {
  return new CourierError(
    'invalid_input',
    `The sweep has ${n.toLocaleString('en')} rows; at most ${SWEEP_MAX_ROWS.toLocaleString('en')} are allowed. Split it into several sweeps.`,
    { field },
  );
}

/** `1..5` (inclusive; also descending) or a comma list `0.1,0.01`. */
function factorValues(name: string, spec: string): string[] {
  const range = /^(-?\d+)\s*\.\.\s*(-?\d+)$/.exec(spec);
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (Math.abs(b - a) >= SWEEP_MAX_ROWS) throw tooMany(Math.abs(b - a) + 1, 'table');
    const step = a <= b ? 1 : -1;
    const out: string[] = [];
    for (let v = a; step > 0 ? v <= b : v >= b; v += step) out.push(String(v));
    return out;
  }
  const values = spec.split(',').map((v) => v.trim());
  if (values.some((v) => v === ''))
    throw new CourierError('invalid_input', `The values of ${name} have an empty entry ("${spec}"): write them as ${name}=0.1,0.01 or ${name}=1..5.`, {
      field: `columns.${name}`,
    });
  return values;
}

/** `lr=0.1,0.01 × seed=1..5`: factors separated by × (or an x between spaces). */
export function parseGrid(text: string): Table {
  const factors = text
    .split(/\s*×\s*|\s+[xX]\s+/)
    .map((f) => f.trim())
    .filter(Boolean);
  const columns: string[] = [];
  const values: string[][] = [];
  for (const f of factors) {
    const at = f.indexOf('=');
    if (at < 1) throw new CourierError('invalid_input', `"${f}" is not a grid factor: write name=values, e.g. lr=0.1,0.01 x seed=1..5.`, { field: 'table' });
    const name = f.slice(0, at).trim();
    const spec = f.slice(at + 1).trim();
    if (!spec) throw new CourierError('invalid_input', `${name} has no values: write ${name}=0.1,0.01 or ${name}=1..5.`, { field: `columns.${name}` });
    columns.push(name);
    values.push(factorValues(name, spec));
  }
  checkColumns(columns, 'table');
  const total = values.reduce((n, v) => n * v.length, 1);
  if (total > SWEEP_MAX_ROWS) throw tooMany(total, 'table');
  let rows: string[][] = [[]];
  for (const v of values) rows = rows.flatMap((r) => v.map((x) => [...r, x]));
  return { columns, rows };
}

export function parseCsv(text: string): Table {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as string[][];
  } catch (e) {
    // csv-parse names the line and the problem (an unclosed quote, a row of another width).
    throw new CourierError('invalid_input', `The CSV file cannot be read: ${(e as Error).message}`, { field: 'table' });
  }
  const [header, ...rows] = records;
  if (!header)
    throw new CourierError('invalid_input', 'The CSV file is empty: its first line names the columns, each further line is one job.', { field: 'table' });
  checkColumns(header, 'table');
  if (rows.length === 0) throw new CourierError('invalid_input', 'The CSV file has a header but no rows: add one line per job.', { field: 'table' });
  if (rows.length > SWEEP_MAX_ROWS) throw tooMany(rows.length, 'table');
  rows.forEach((r, i) => {
    const empty = r.findIndex((v) => v === '');
    if (empty >= 0)
      throw new CourierError('invalid_input', `Row ${i + 1} (line ${i + 2}) has no value for column "${header[empty]}".`, {
        field: `columns.${header[empty]}`,
      });
  });
  return { columns: header, rows };
}

export function parseTable(t: SweepTable): Table {
  return t.kind === 'csv' ? parseCsv(t.text) : parseGrid(t.text);
}

/**
 * The table with a column per constant (the same value on every row), checked as the table's own
 * columns are. A name that is also a column of the table is refused: which value wins would be a guess.
 */
export function withConstants(t: Table, values: Record<string, string>): Table {
  const names = Object.keys(values);
  if (names.length === 0) return t;
  for (const n of names) {
    if (t.columns.includes(n))
      throw new CourierError('invalid_input', `${n} is a column of the sweep's table and also given one value for every row (--value); give it in one place.`, {
        field: `columns.${n}`,
      });
  }
  const columns = [...t.columns, ...names];
  checkColumns(columns, 'values');
  return { columns, rows: t.rows.map((r) => [...r, ...names.map((n) => values[n] ?? '')]) };
}

/** A table as CSV text (csv-parse's counterpart is not a dependency: quoting per RFC 4180 is a few lines). */
export function toCsv(columns: string[], rows: string[][]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
