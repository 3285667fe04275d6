// Lists from the platform are parsed item by item: one record the platform got wrong (a
// software entry without a name, a file with a hostile id) costs that record, not the list.
// The skipped ones are counted, and the first reason kept, so callers can say so once.
import type { z } from 'zod';

export interface SkipTally {
  /** Items that did not parse and were left out. */
  count: number;
  /** Why the first one was left out ("results[3].id: ..."). */
  first: string | null;
}

export const newTally = (): SkipTally => ({ count: 0, first: null });

/** One issue of a failed parse as "path: message" (the field, then what was wrong). */
export function describeIssue(error: z.ZodError, prefix = ''): string {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.');
  return `${path || 'body'}: ${issue?.message ?? 'invalid'}`;
}

/** The items that parse, in order; the others are counted in `tally`. */
export function parseItems<S extends z.ZodType>(items: unknown[], schema: S, tally: SkipTally, offset = 0): z.output<S>[] {
  const out: z.output<S>[] = [];
  items.forEach((raw, i) => {
    const r = schema.safeParse(raw);
    if (r.success) out.push(r.data);
    else {
      tally.count += 1;
      tally.first ??= describeIssue(r.error, `results[${offset + i}]`);
    }
  });
  return out;
}

/** "3 of the records Rescale sent … were left out (results[3].id: …)." */
export function skippedMessage(tally: SkipTally, what: string): string {
  const n = tally.count;
  return `${n} record${n === 1 ? '' : 's'} Rescale sent while Courier tried to ${what} could not be read and ${n === 1 ? 'was' : 'were'} left out (first: ${tally.first ?? 'unknown'}).`;
}
