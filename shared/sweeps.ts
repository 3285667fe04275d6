// Parameter sweeps: one template, a table of parameter rows (a CSV file or a typed grid), one
// outbox submission per row. Shared by main (which enforces it) and the renderer (its forms).
import * as z from 'zod';
import { absolutePath, jobCost, jobOutcome, submissionState } from './jobs';

/** The most rows one sweep may have: beyond this a sweep is a batch system's job, not a launcher's. */
export const SWEEP_MAX_ROWS = 10_000;
/** The largest CSV text a sweep takes, in characters. */
export const SWEEP_CSV_MAX_CHARS = 900_000;

export const sweepName = z
  .string()
  .trim()
  .min(1, 'give the sweep a name')
  .max(100)
  .regex(/^[^/\\\0]+$/, 'a sweep name cannot contain / or \\ (it becomes a folder name)')
  .refine((n) => n !== '.' && n !== '..', 'a sweep name cannot be . or .. (it becomes a folder name)');

export const sweepTable = z.discriminatedUnion('kind', [
  /** A CSV file's text: a header line of column names, then one line per row. */
  z.object({
    kind: z.literal('csv'),
    text: z
      .string()
      .min(1, 'the CSV file is empty')
      .max(SWEEP_CSV_MAX_CHARS, `a sweep CSV is at most ${SWEEP_CSV_MAX_CHARS.toLocaleString('en')} characters`),
  }),
  /** A grid: `lr=0.1,0.01 × seed=1..5` (`x` also separates the factors). */
  z.object({ kind: z.literal('grid'), text: z.string().trim().min(1, 'type a grid such as lr=0.1,0.01 x seed=1..5').max(10_000) }),
]);
export type SweepTable = z.infer<typeof sweepTable>;

export const sweepSpec = z.object({
  /** A template id, a preset id or a template name. */
  templateId: z.string().min(1),
  /** Absent: derived from the template and the table, so the same launch run again continues the same sweep. */
  name: sweepName.optional(),
  table: sweepTable,
  /** Parameters with one value for every row (`--value name=value`): as a column of that value. */
  values: z.record(z.string(), z.string().max(10_000)).optional(),
  /** Input paths, each may hold placeholders (`{mesh}`, `/data/run_{row}.in`); relative paths are taken from `baseDir`. */
  inputs: z.array(z.string().min(1)).max(50).default([]),
  /** Where relative input paths are read from (the CSV's folder, or the working folder). */
  baseDir: absolutePath.optional(),
  /** Parent folder for `<sweep name>/rescale_job_<ID>/`. */
  outputFolder: z.string().min(1).optional(),
});
export type SweepSpec = z.input<typeof sweepSpec>;

export const sweepPreviewRow = z.object({
  row: z.number().int(),
  values: z.record(z.string(), z.string()),
  jobName: z.string(),
  command: z.string(),
  env: z.record(z.string(), z.string()),
  inputs: z.array(z.string()),
});

export const sweepPreview = z.object({
  name: z.string(),
  templateName: z.string(),
  columns: z.array(z.string()),
  rows: z.array(sweepPreviewRow),
  /** Distinct local input files: each goes up once, however many rows use it. */
  uploads: z.number(),
  /** Job submissions a second the platform allows this account (the pace of the sweep); null: no limit known. */
  submitsPerSecond: z.number().nullable(),
});
export type SweepPreview = z.infer<typeof sweepPreview>;

export const sweepRowView = z.object({
  row: z.number().int(),
  values: z.record(z.string(), z.string()),
  submissionId: z.string(),
  jobName: z.string(),
  state: submissionState,
  jobId: z.string().nullable(),
  /** The platform's status once submitted ('' before). */
  status: z.string(),
  outcome: jobOutcome,
  /** Seconds until this row goes out, at the platform's submission pace; null once sent (or when unknown). */
  etaSeconds: z.number().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** What the row's job has cost so far (final once it ended); null before it runs or when Courier cannot price it. */
  cost: jobCost.nullable(),
});
export type SweepRowView = z.infer<typeof sweepRowView>;

/** Each row is in one of waiting … cancelled (they add up to the total); submitted counts the rows whose job reached the platform. */
export const sweepCounts = z.object({
  /** Not sent yet (in the outbox). */
  waiting: z.number(),
  submitted: z.number(),
  /** On the platform, not started yet (Pending, Queued): the Jobs badge counts these as waiting too. */
  pending: z.number(),
  running: z.number(),
  completed: z.number(),
  /** Never sent (refused), or failed on the platform: what "Retry failed" sends again. */
  failed: z.number(),
  /** Stopped on the platform (Stop all, or the job's Stop): not retried. */
  stopped: z.number(),
  cancelled: z.number(),
});
export type SweepCounts = z.infer<typeof sweepCounts>;

/** Rows that have ended one way or another (none of them moves again by itself): 100 % when every row has. */
export function sweepEnded(c: SweepCounts): number {
  return c.completed + c.failed + c.stopped + c.cancelled;
}

export const sweepView = z.object({
  id: z.string(),
  name: z.string(),
  templateName: z.string(),
  columns: z.array(z.string()),
  total: z.number(),
  counts: sweepCounts,
  /** The next row to go out and when; null when every row has gone. */
  next: z.object({ row: z.number(), etaSeconds: z.number() }).nullable(),
  /** When the last row goes out, in seconds; null when every row has gone. */
  lastEtaSeconds: z.number().nullable(),
  createdAt: z.number(),
  rows: z.array(sweepRowView),
});
export type SweepView = z.infer<typeof sweepView>;

/** A sweep in the list: its counts, without its rows or when they go out (those are for the sweep being viewed). */
export const sweepSummary = sweepView.omit({ rows: true, next: true, lastEtaSeconds: true });
export type SweepSummary = z.infer<typeof sweepSummary>;

/** What "download all outputs" of a sweep did: rows whose job had outputs, and the rows left out, with why. */
export const sweepDownload = z.object({
  jobs: z.number(),
  files: z.number(),
  skipped: z.number(),
  transferIds: z.array(z.string()),
  folder: z.string().nullable(),
  notDownloaded: z.array(z.object({ row: z.number(), jobId: z.string().nullable(), reason: z.string() })),
});
export type SweepDownload = z.infer<typeof sweepDownload>;
