import { CourierError } from '../../shared/errors';
import { toHistory } from '../../main/core/jobs/status';
import type { CliContext } from '../context';
import type { Out } from '../output';

/** Prints "Authenticated as <email>" like rescale-cli (also proves the key works). */
export async function authenticate(ctx: CliContext, out: Out) {
  const conn = await ctx.connect();
  const me = await conn.api.me();
  out.log(`Authenticated as ${me.email}`);
  return conn;
}

/** `status -j JOB [-e]` */
export async function statusCommand(ctx: CliContext, out: Out, o: { job: string; extended?: boolean }): Promise<void> {
  const { api } = await authenticate(ctx, out);
  // Newest by date, whatever order the page came in (equal whole-second stamps are common).
  const last = toHistory(await api.jobStatuses(o.job))[0];
  if (!last) throw new CourierError('not_found', `Job ${o.job} has no status yet (it has not been submitted).`);
  if (o.extended) {
    out.result(
      JSON.stringify({
        lastStatus: { status: last.status, statusDate: last.statusDate, statusReason: last.statusReason, notify: false, preventDuplicates: false },
        connectionDetails: null,
        loadMeasurements: [],
      }),
    );
  } else {
    out.result(`The status of job ${o.job} is ${last.status}`);
  }
}

/** `stop -j JOB` */
export async function stopCommand(ctx: CliContext, out: Out, o: { job: string }): Promise<void> {
  const { api } = await authenticate(ctx, out);
  await api.stopJob(o.job);
  out.result(`Job ${o.job} is stopping.`);
}

/** `delete -j JOB` */
export async function deleteCommand(ctx: CliContext, out: Out, o: { job: string }): Promise<void> {
  const { api } = await authenticate(ctx, out);
  await api.deleteJob(o.job);
  out.result(`Deleted job ${o.job}`);
}

/**
 * `list-files -j JOB [-r RUN]`: file names of the job (of one run with -r), one per line.
 * rescale-cli refuses a job with no active run; a finished job's outputs are what people ask
 * for most, so they are listed (with a log line saying so) rather than an error.
 */
export async function listFilesCommand(ctx: CliContext, out: Out, o: { job: string; run?: string }): Promise<void> {
  const { api } = await authenticate(ctx, out);
  if (!o.run) {
    const runs = await api.jobRuns(o.job);
    if (!runs.some((r) => r.dateStarted && !r.dateCompleted)) out.log(`The job (${o.job}) has no active run: listing the files of its finished runs.`);
  }
  const files = await api.jobFiles(o.job);
  const prefix = `run${o.run}/`;
  let listed = 0;
  for (const f of files) {
    const rel = f.relativePath ?? f.name;
    if (!o.run || rel.startsWith(prefix) || !rel.startsWith('run')) {
      out.result(f.name);
      listed++;
    }
  }
  if (listed === 0) out.log(`No files${o.run ? ` in run ${o.run}` : ''} of job ${o.job} yet.`);
}
