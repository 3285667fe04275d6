// A sweep's rows → one launch (SubmissionSource) per row, all checked before any is queued: a
// column no field uses, a placeholder no column or parameter fills, a missing input file —
// each is an error naming the column, field and row.
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { CourierError } from '../../../shared/errors';
import type { JobTemplate } from '../../../shared/jobs';
import type { LaunchContext } from './launch';
import { resolveSource } from './launch';
import type { SubmissionSource } from './outbox-store';
import type { ResolvedLaunch } from './payload';
import { describeUnknown, fill, knownNames, placeholderFields, placeholdersIn } from './placeholders';
import type { Table } from './sweep-table';

export interface SweepPlan {
  /** The template as every row uses it: the columns (and {row}) declared as its parameters. */
  template: JobTemplate;
  inputs: string[];
  rows: { row: number; values: Record<string, string>; source: SubmissionSource; launch: ResolvedLaunch }[];
}

/** The name a sweep gets when none is given: the same template, table and inputs give the same name, so running the same command again continues it. */
export function defaultSweepName(templateId: string, table: Table, inputs: string[]): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([templateId, table.columns, table.rows, inputs]))
    .digest('hex')
    .slice(0, 8);
  return `${templateId}-${digest}`;
}

/** The template each row is launched from: its own parameters, then one per column, then {row}. */
export function sweepTemplate(t: JobTemplate, columns: string[]): JobTemplate {
  const own = t.parameters.filter((p) => !columns.includes(p.name) && p.name !== 'row');
  const varying = [...columns, 'row'];
  // A job name that does not vary per row would give every job the same name: the row number tells them apart.
  const varies = placeholdersIn(t.jobName).some((n) => varying.includes(n));
  return { ...t, jobName: varies ? t.jobName : `${t.jobName} #{row}`, parameters: [...own, ...varying.map((name) => ({ name }))] };
}

/** Columns no field uses are a mistake (a typo in a placeholder, or a table meant for another template). */
function checkColumnsUsed(t: JobTemplate, columns: string[], inputs: string[]): void {
  const used = new Set([...placeholderFields(t).flatMap((f) => placeholdersIn(f.text)), ...inputs.flatMap((i) => placeholdersIn(i))]);
  const unused = columns.filter((c) => !used.has(c));
  if (unused.length) {
    const list = unused.map((c) => `"${c}"`).join(', ');
    throw new CourierError(
      'invalid_input',
      `Column${unused.length > 1 ? 's' : ''} ${list} ${unused.length > 1 ? 'are' : 'is'} not used: put {${unused[0]}} in the template's job name, command or an environment value (and list "${unused[0]}" among its parameters), or in an input path, or remove the column.`,
      { field: `columns.${unused[0]}` },
    );
  }
  for (const p of t.parameters) {
    if (!columns.includes(p.name) && p.name !== 'row' && p.default === undefined)
      throw new CourierError('invalid_input', `The template's parameter {${p.name}} has no default: add a column "${p.name}" to the table.`, {
        field: `columns.${p.name}`,
      });
  }
}

function rowInputs(inputs: string[], values: Record<string, string>, known: string[], baseDir: string, row: number): { path: string }[] {
  return inputs.map((tpl, i) => {
    const r = fill(tpl, values);
    if (r.unknown.length) throw new CourierError('invalid_input', `Input ${i + 1} ("${tpl}"): ${describeUnknown(r.unknown, known)}.`, { field: `inputs.${i}` });
    const path = r.text.trim();
    if (!path) throw new CourierError('invalid_input', `Row ${row}: input ${i + 1} ("${tpl}") is empty once filled.`, { field: `inputs.${i}` });
    return { path: isAbsolute(path) ? path : resolve(baseDir, path) };
  });
}

/** Every row resolved (placeholders filled, files checked) — or the first problem, with its row. */
export async function planSweep(
  t: JobTemplate,
  table: Table,
  o: { inputs: string[]; baseDir: string; sweep: { id: string; name: string } },
  ctx: LaunchContext,
): Promise<SweepPlan> {
  const template = sweepTemplate(t, table.columns);
  checkColumnsUsed(template, table.columns, o.inputs);
  const known = [...table.columns, 'row'];
  const rows: SweepPlan['rows'] = [];
  for (const [i, cells] of table.rows.entries()) {
    const row = i + 1;
    const values: Record<string, string> = { row: String(row) };
    table.columns.forEach((c, k) => (values[c] = cells[k] ?? ''));
    const inputs = rowInputs(o.inputs, values, known.concat(knownNames(t)), o.baseDir, row);
    const source: SubmissionSource = { template, inputs, values, sweep: { id: o.sweep.id, name: o.sweep.name, row } };
    try {
      rows.push({ row, values, source, launch: await resolveSource(source, ctx) });
    } catch (e) {
      if (e instanceof CourierError) throw new CourierError(e.code, `Row ${row}: ${e.message}`, e.field ? { field: e.field } : {});
      throw e;
    }
  }
  return { template, inputs: o.inputs, rows };
}
