// Parameter sweeps over the outbox: a template and a table become one submission per row, queued
// in one transaction and sent in row order by the outbox (exactly once each, like any launch),
// paced by the platform's job-submission budget; the view says when each waiting row goes out.
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import type { JobTemplate } from '../../../shared/jobs';
import { sweepSpec, type SweepDownload, type SweepPreview, type SweepView } from '../../../shared/sweeps';
import type { z } from 'zod';
import type { RescaleApi } from '../rescale/api';
import { optionsOf, retryFailed, type LaunchContext } from './launch';
import { newMarker } from './marker';
import { OPEN_STATES, type Submission } from './outbox-store';
import type { JobsService } from './service';
import { defaultSweepName, planSweep, type SweepPlan } from './sweep-expand';
import type { SweepRecord } from './sweep-store';
import { parseTable, toCsv, withConstants, type Table } from './sweep-table';

type Spec = z.output<typeof sweepSpec>;

export interface SweepDeps {
  jobs: JobsService;
  ctx: LaunchContext;
  /** Folder for outputs when neither the launch nor the template names one (Settings → downloads). */
  downloadsFolder: string;
  /** The working folder, for relative input paths when the launch gives no baseDir. */
  cwd: string;
}

/** Submissions a second the account's job-submission budget allows (the sweep's pace). */
export function submitPace(api: RescaleApi): number | null {
  return api.http.pace('POST', '/api/v2/jobs/x/submit/');
}

interface Prepared {
  name: string;
  template: JobTemplate;
  table: Table;
  plan: SweepPlan;
  fingerprint: string;
  sweepId: string;
}

async function prepare(spec: Spec, d: SweepDeps): Promise<Prepared> {
  const saved = d.jobs.templates.get(spec.templateId).template;
  const table = withConstants(parseTable(spec.table), spec.values ?? {});
  const name = spec.name ?? defaultSweepName(saved.id, table, spec.inputs);
  // Outputs of every row go under <folder>/<sweep name>/rescale_job_<ID>/.
  const base = spec.outputFolder || saved.outputs.folder || d.downloadsFolder;
  const template: JobTemplate = { ...saved, outputs: { ...saved.outputs, folder: base ? join(base, name) : '' } };
  const { createdAt: _c, updatedAt: _u, ...content } = saved;
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([content, table, spec.inputs]))
    .digest('hex');
  const sweepId = randomUUID();
  const plan = await planSweep(template, table, { inputs: spec.inputs, baseDir: spec.baseDir ?? d.cwd, sweep: { id: sweepId, name } }, d.ctx);
  return { name, template, table, plan, fingerprint, sweepId };
}

/** The expanded jobs, every row validated; nothing is queued or sent. */
export async function previewSweep(spec: Spec, d: SweepDeps): Promise<SweepPreview> {
  const p = await prepare(spec, d);
  const locals = new Set(p.plan.rows.flatMap((r) => r.launch.inputs.flatMap((i) => (i.kind === 'file' ? [] : [i.path]))));
  return {
    name: p.name,
    templateName: p.template.name,
    columns: p.table.columns,
    rows: p.plan.rows.map((r) => ({
      row: r.row,
      values: r.values,
      jobName: r.launch.jobName,
      command: r.launch.command,
      env: r.launch.env,
      inputs: r.launch.inputs.map((i) => (i.kind === 'file' ? i.id : i.path)),
    })),
    uploads: locals.size,
    submitsPerSecond: submitPace(d.ctx.api),
  };
}

/** The sweep of that name is this launch again (answered as a resume), or another sweep (refused). */
function resume(d: SweepDeps, p: Prepared, existing: SweepRecord): { sweep: SweepRecord; resumed: true } {
  if (existing.fingerprint !== p.fingerprint) {
    throw new CourierError(
      'conflict',
      `A sweep named "${p.name}" already exists with another template, table or inputs. Give this one another name (--name), or look at it with \`courier jobs list --sweep "${p.name}"\`.`,
      { field: 'name' },
    );
  }
  d.jobs.outbox.poke();
  return { sweep: existing, resumed: true };
}

/**
 * Queues every row (one transaction), or — the same sweep launched again, e.g. after the process
 * was killed, or by another process at the same instant — finds it and queues nothing: the
 * outbox carries on with the rows it holds.
 */
export async function launchSweep(spec: Spec, d: SweepDeps): Promise<{ sweep: SweepRecord; resumed: boolean }> {
  const p = await prepare(spec, d);
  const existing = d.jobs.sweeps.byName(d.ctx.accountId, p.name);
  if (existing) return resume(d, p, existing);
  const rows = p.plan.rows.map((r) => ({
    row: r.row,
    values: r.values,
    submission: {
      id: randomUUID(),
      accountId: d.ctx.accountId,
      templateId: p.template.id,
      templateName: p.template.name,
      jobName: r.launch.jobName,
      marker: newMarker(),
      launch: r.launch,
      source: r.source,
      inputs: r.launch.inputs.map(() => ({})),
      options: optionsOf(p.template),
    },
  }));
  const record = {
    id: p.sweepId,
    accountId: d.ctx.accountId,
    name: p.name,
    template: p.plan.template,
    columns: p.table.columns,
    inputs: spec.inputs,
    fingerprint: p.fingerprint,
  };
  // Another process may have created it since the look above: create() then hands back its sweep.
  const { sweep, created } = d.jobs.sweeps.create(record, rows);
  if (!created) return resume(d, p, sweep);
  // One event per row, one count at the end (counting after each row would read the outbox N times).
  for (const r of d.jobs.sweeps.rows(sweep.id)) d.jobs.d.hub.emit('outboxChanged', d.jobs.entry(r.submission));
  d.jobs.counts();
  d.jobs.outbox.poke();
  return { sweep, resumed: false };
}

export function findSweep(jobs: JobsService, accountId: string, idOrName: string): SweepRecord {
  const s = jobs.sweeps.get(idOrName) ?? jobs.sweeps.byName(accountId, idOrName);
  if (!s || s.accountId !== accountId)
    throw new CourierError('not_found', `There is no sweep "${idOrName}" for this account. \`courier jobs list\` shows the sweeps.`, { field: 'sweep' });
  return s;
}

/** Rows not sent yet are cancelled, submitted jobs still under way are stopped; rows being sent right now are counted, and stopped once they land. */
export async function stopSweep(jobs: JobsService, sw: SweepRecord, api: RescaleApi): Promise<{ cancelled: number; stopping: number; inFlight: number }> {
  let cancelled = 0;
  let stopping = 0;
  let inFlight = 0;
  jobs.sweeps.markStopped(sw.id); // first: a row that goes out from now on is stopped as it lands
  for (const { submission: s } of jobs.sweeps.rows(sw.id)) {
    if (jobs.store.userUpdate(s.id, { state: 'cancelled', waiting: null }, ['queued', 'uploading'])) {
      cancelled++;
      for (const i of s.inputs) if (i.transferId && !i.fileId) await jobs.d.transfers.cancel(s.accountId, i.transferId).catch(() => undefined);
      const next = jobs.store.get(s.id);
      if (next) jobs.submissionChanged(next);
    } else if (s.state === 'submitted' && s.jobId) {
      const t = jobs.tracked.get(s.accountId, s.jobId);
      if (t?.terminal) continue;
      try {
        await api.stopJob(s.jobId);
      } catch (e) {
        // One refused or lost stop must not leave every later row running (and billed).
        const params = { jobId: s.jobId, row: String(s.source.sweep?.row ?? '?'), sweep: sw.name, reason: e instanceof Error ? e.message : String(e) };
        jobs.d.activity.say('warn', 'jobs', { key: 'sweepRowStopFailed', params }, { kind: 'job', id: s.jobId });
        continue;
      }
      stopping++;
      if (t) jobs.poller.track(t, Date.now() + 1000);
    } else if (OPEN_STATES.includes(s.state)) inFlight++;
  }
  jobs.counts();
  return { cancelled, stopping, inFlight };
}

/** A failed row's job ran again on the platform: a new submission takes the row's place; false when another process did it first. */
function relaunchRow(jobs: JobsService, sw: SweepRecord, row: number, s: Submission): boolean {
  const next = {
    id: randomUUID(),
    accountId: s.accountId,
    templateId: s.templateId,
    templateName: s.templateName,
    jobName: s.jobName,
    marker: newMarker(),
    launch: s.launch,
    source: s.source,
    inputs: s.inputs,
    options: s.options,
  };
  if (!jobs.sweeps.replaceRow(sw.id, row, s.id, next)) return false;
  const queued = jobs.store.get(next.id);
  if (queued) jobs.submissionChanged(queued);
  return true;
}

/** A row the platform never took goes again; false when it left 'failed' since we read it (another process retried it). */
function retryRow(jobs: JobsService, s: Submission): boolean {
  try {
    jobs.submissionChanged(retryFailed(jobs.store, s));
    return true;
  } catch (e) {
    if (e instanceof CourierError && e.code === 'conflict') return false;
    throw e;
  }
}

/**
 * Rows that failed go again: a submission the platform never took is sent again from where it
 * stopped; a job that ran and failed on the platform is launched anew for its row (same launch,
 * inputs reused by file id, a new marker). Stopped jobs stay stopped: the person stopped them.
 * A row another process (the app, a CLI) retried first is counted apart and the others still go;
 * the outbox is woken once for all of them.
 */
export function retrySweep(jobs: JobsService, sw: SweepRecord): { retried: number; alreadyRetried: number } {
  // A stopped sweep stops every row that lands: retrying would start jobs only to stop them.
  if (jobs.sweeps.stopped(sw.id))
    throw new CourierError('conflict', `The sweep "${sw.name}" was stopped (Stop all), so its rows are not sent again. Launch a new sweep to run them.`);
  let retried = 0;
  let alreadyRetried = 0;
  for (const { row, submission: s } of jobs.sweeps.rows(sw.id)) {
    const t = s.state === 'submitted' && s.jobId ? jobs.tracked.get(s.accountId, s.jobId) : null;
    if (s.state !== 'failed' && t?.outcome !== 'failed') continue;
    if (s.state === 'failed' ? retryRow(jobs, s) : relaunchRow(jobs, sw, row, s)) retried++;
    else alreadyRetried++;
  }
  if (retried) jobs.outbox.poke();
  return { retried, alreadyRetried };
}

/** The table with each row's job and final state, as CSV. */
export function sweepCsv(view: SweepView): string {
  const head = ['row', ...view.columns, 'job_name', 'job_id', 'state', 'status', 'outcome'];
  const rows = view.rows.map((r) => [String(r.row), ...view.columns.map((c) => r.values[c] ?? ''), r.jobName, r.jobId ?? '', r.state, r.status, r.outcome]);
  return toCsv(head, rows);
}

/**
 * Every ended row's outputs (all, or those matching `filter`) into its job folder, which a sweep
 * puts under <folder>/<sweep name>/. Files already there (same size and SHA-512) are skipped; a row
 * still running, never sent, or without outputs is named with why, never an error for the whole.
 */
export async function downloadSweepOutputs(jobs: JobsService, sw: SweepRecord, filter: string[] | undefined): Promise<SweepDownload> {
  const out: SweepDownload = { jobs: 0, files: 0, skipped: 0, transferIds: [], folder: sw.template.outputs.folder || null, notDownloaded: [] };
  for (const { row, submission: s } of jobs.sweeps.rows(sw.id)) {
    const t = s.jobId ? jobs.tracked.get(s.accountId, s.jobId) : null;
    if (!s.jobId || !t) {
      out.notDownloaded.push({ row, jobId: s.jobId, reason: 'not sent to the platform' });
      continue;
    }
    if (t.outcome === 'running' || t.outcome === 'not_submitted') {
      out.notDownloaded.push({ row, jobId: s.jobId, reason: 'still running' });
      continue;
    }
    if (t.outputsState === 'pending' || t.outputsState === 'downloading') {
      // The automatic download is on it: a second copy would land beside it as "name (1)".
      out.notDownloaded.push({ row, jobId: s.jobId, reason: 'downloading automatically' });
      continue;
    }
    try {
      const r = await jobs.outputs.onDemand(s.accountId, s.jobId, filter, t.options.outputFolder || undefined);
      out.jobs++;
      out.files += r.files.length;
      out.skipped += r.skipped.length;
      out.transferIds.push(...r.transferIds);
    } catch (e) {
      out.notDownloaded.push({ row, jobId: s.jobId, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
