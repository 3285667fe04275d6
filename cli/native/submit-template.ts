// `courier jobs submit` / `jobs send`: launches go through the outbox of the data folder, which
// this process drains while it runs. A submission the platform cannot take yet (offline, or a
// problem on its side) stays queued there, and the user is told exactly who sends it and when.
import { resolve } from 'node:path';
import { CourierError } from '../../shared/errors';
import type { Courier } from '../../main/core/courier';
import type { Submission } from '../../main/core/jobs/outbox-store';
import type { OutboxEntry } from '../../shared/jobs';
import type { CliContext } from '../context';
import { formatBytes } from '../../shared/format';
import { clean, jsonText, type Out } from '../output';
import { call } from './core-call';
import { endLineWithOutputs, waitForJob, waitForOutcome, waitForSubmitted, type Deadline } from './wait';

export interface SubmitOptions {
  template: string;
  input?: string[];
  fileId?: string[];
  value?: string[];
  name?: string;
  wait?: boolean;
  timeout?: Deadline;
  outputDir: string;
}

/** `--value name=value ...` (jobs submit, jobs sweep): template parameters by name. */
export function parseValues(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new CourierError('invalid_input', `--value takes name=value (got "${pair}").`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}

/**
 * Who sends a queued submission. Only a process holding the account's key can: the app has the
 * stored accounts; a key given on the command line (-p, RESCALE_API_KEY, apiconfig) lives only
 * in courier runs given the same key.
 */
export function whoSends(c: Courier): string {
  const accountId = c.accounts.activeId();
  const stored = c.accounts.list().some((a) => a.id === accountId);
  return stored
    ? 'the Courier app or `courier web` running on this data folder, as soon as the connection is back, or `courier jobs send` when you are online'
    : '`courier jobs send` (or the next `courier jobs submit`) run on this data folder with the same API key when you are online; the Courier app cannot send it, as it does not have this key';
}

/** Prints where a submission stands; false when it failed. */
export function reportOutcome(ctx: CliContext, c: Courier, out: Out, s: Submission): boolean {
  if (s.state === 'submitted') {
    out.log(`Job ${s.jobId}: submitted`);
    out.result(jsonText({ submissionId: s.id, state: s.state, jobId: s.jobId }));
    return true;
  }
  if (s.state === 'failed' || s.state === 'cancelled') {
    out.log(`ERROR - The submission "${clean(s.jobName)}" ${s.state}: ${clean(s.error?.message ?? 'see `courier jobs list`')}`);
    out.result(jsonText({ submissionId: s.id, state: s.state, error: s.error }));
    return false;
  }
  const why = s.waiting === 'connection' ? 'Rescale cannot be reached' : `the platform answered with a problem${s.error ? `: ${clean(s.error.message)}` : ''}`;
  const sentBy = whoSends(c);
  const note = `Not sent yet (${why}). The job is queued in the outbox of ${ctx.dataDir} and will be submitted exactly once by ${sentBy}. See it with \`courier jobs list\`.`;
  out.log(note);
  out.result(
    jsonText({ submissionId: s.id, state: 'queued', waiting: s.waiting, error: s.error, dataFolder: ctx.dataDir, sentBy, see: 'courier jobs list', note }),
  );
  return true;
}

/** Folders go up as one archive each: said before anything is packed, with what they hold. */
export function archiveLines(inputs: OutboxEntry['inputs']): string[] {
  return inputs.flatMap((i) =>
    i.archive
      ? [
          i.archive.loose
            ? `${i.archive.files.toLocaleString('en-US')} input files (${formatBytes(i.archive.bytes)}) go up as one archive, unpacked in the job's working directory under their own names`
            : `${clean(i.name)}/ (${i.archive.files.toLocaleString('en-US')} files, ${formatBytes(i.archive.bytes)}) goes up as one archive, unpacked in the job's working directory`,
        ]
      : [],
  );
}

/** A folder whose archive an earlier launch uploaded: nothing went up for it. */
function reportReuse(c: Courier, out: Out, submissionId: string): void {
  const s = c.jobs.store.get(submissionId);
  s?.launch.inputs.forEach((inp, i) => {
    if (inp.kind === 'folder' && s.inputs[i]?.reused)
      out.log(
        `${clean(inp.members ? `${inp.name} were` : `${inp.name}/ was`)} uploaded before as the same archive (file ${s.inputs[i]?.fileId}): reused, nothing uploaded`,
      );
  });
}

export async function submitFromTemplate(ctx: CliContext, out: Out, o: SubmitOptions): Promise<void> {
  const c = await ctx.courierWithAccount();
  c.jobs.start();
  const values = parseValues(o.value ?? []);
  const inputs = [...(o.input ?? []).map((p) => ({ path: resolve(p) })), ...(o.fileId ?? []).map((fileId) => ({ fileId }))];
  const entry = await call(c, 'jobs', 'launch', {
    templateId: o.template,
    inputs,
    values,
    outputFolder: resolve(o.outputDir),
    ...(o.name ? { name: o.name } : {}),
  });
  out.log(`Queued "${clean(entry.jobName)}" (submission ${entry.id})`);
  // Loaded here, not at the top: this module is on `courier --help`'s path, transfer-run is not.
  for (const line of archiveLines(entry.inputs)) out.log(line);
  if (!o.wait) {
    // This process sends it (uploads included) before exiting, unless the platform cannot take it now.
    const s = await waitForOutcome(c, entry.id);
    reportReuse(c, out, entry.id);
    if (!reportOutcome(ctx, c, out, s)) throw new CourierError('server_error', `The submission ${s.state}: ${s.error?.message ?? 'see `courier jobs list`'}`);
    return;
  }
  const jobId = await waitForSubmitted(c, out, entry.id, o.timeout);
  reportReuse(c, out, entry.id);
  out.log(`Job ${jobId}: submitted`);
  const j = await waitForJob(c, out, jobId, { outputs: true, ...(o.timeout ? { deadline: o.timeout } : {}) });
  if (out.json) out.result(jsonText({ jobId, status: j.status, outcome: j.outcome, outputs: j.outputs }));
  else out.result(endLineWithOutputs(j));
  if (j.outcome !== 'completed') process.exitCode = 33;
}
