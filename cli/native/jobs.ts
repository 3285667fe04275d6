// `courier jobs ...`: launch, follow and stop jobs (with the live-file, estimate, sweep and rerun
// commands of their own modules), and `courier templates ...` beside them.
import { Option, type Command } from 'commander';
import { CourierError } from '../../shared/errors';
import type { JobChanged } from '../../shared/jobs';
import { action } from '../action';
import type { CliContext } from '../context';
import { clean, EXIT_ERROR, EXIT_TIMEOUT, jsonText, type Out } from '../output';
import { each, fileId, jobId, listLimit } from '../arg-checks';
import { call } from './core-call';
import { registerRerunCommands } from './rerun';
import { costLine, registerEstimateCommand } from './estimate';
import { registerLiveCommands } from './live';
import { reportOutcome, submitFromTemplate, type SubmitOptions } from './submit-template';
import { listSweep, registerSweepCommand } from './sweep';
import { registerTemplateCommands } from './templates';
import { endLine, parseDuration, statusWord, waitForJob, waitForOutcome, type Deadline } from './wait';

function printJob(out: Out, j: JobChanged): void {
  out.result(`${j.jobId}\t${clean(j.status) || '(not submitted)'}\t${clean(j.name)}`);
  for (const h of j.history) out.result(`  ${clean(h.statusDate)}  ${statusWord(h.status)}${h.statusReason ? ` — ${clean(h.statusReason)}` : ''}`);
}

const timeoutOption = (what: string) =>
  new Option('--timeout <duration>', `stop waiting after this long (e.g. 90s, 15m, 2h): exit ${EXIT_TIMEOUT}, ${what} goes on`).argParser(parseDuration);

async function listJobs(ctx: CliContext, out: Out, o: { limit: number; sweep?: string }): Promise<void> {
  if (o.sweep) return listSweep(ctx, out, o.sweep);
  const c = await ctx.courierWithAccount();
  const r = await call(c, 'jobs', 'list', { limit: o.limit });
  if (out.json) return out.result(jsonText(r));
  for (const q of r.outbox) out.result(`(queued)\t${q.state}${q.waiting ? ` — waiting for ${q.waiting}` : ''}\t${clean(q.jobName)}\t${q.jobId ?? ''}`);
  for (const j of r.jobs) out.result(`${j.jobId}\t${clean(j.status) || '-'}\t${clean(j.name)}`);
  if (!r.online) out.log(`Offline: ${r.error ?? 'Rescale is unreachable'}; showing what is known locally.`);
  // Reachable but refused (a revoked key, say): what is known locally was listed, and the run
  // fails so that neither a person nor a script takes the short list for the whole answer.
  else if (r.error)
    throw new CourierError('unavailable', r.jobs.length + r.outbox.length > 0 ? `${r.error} (listed above: only the jobs this data folder knows)` : r.error);
  else if (r.jobs.length === 0 && r.outbox.length === 0)
    out.log('No jobs yet. `courier templates list` shows what can be launched, `courier jobs submit --template NAME --input FILE` launches it.');
}

async function showJob(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courierWithAccount();
  const d = await call(c, 'jobs', 'get', { jobId: ctx.args[0]! });
  if (out.json) return out.result(jsonText(d));
  printJob(out, d);
  for (const f of d.inputs) out.result(`  input  ${f.id}\t${clean(f.name)}`);
  for (const f of d.outputFiles) out.result(`  output ${f.id}\t${clean(f.relativePath)}\t${f.size} B`);
  if (d.cost) out.result(costLine(d.cost));
}

async function watchJob(ctx: CliContext, out: Out, o: { outputs?: boolean; timeout?: Deadline }): Promise<void> {
  const c = await ctx.courierWithAccount();
  c.jobs.start();
  const j = await waitForJob(c, out, ctx.args[0]!, { outputs: !!o.outputs, ...(o.timeout ? { deadline: o.timeout } : {}) });
  if (out.json) return out.result(jsonText(j));
  out.result(`${endLine(j)}${j.outputs.dir ? ` (outputs in ${j.outputs.dir})` : ''}`);
  // The final cost, when the job's record can still be read (it is a courtesy, not the result).
  const cost = (await call(c, 'jobs', 'get', { jobId: j.jobId }).catch(() => null))?.cost;
  if (cost) out.result(costLine(cost).trim());
}

/** `jobs send`: this account's open submissions in the outbox, sent now and followed to their outcome. */
async function sendOutbox(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courierWithAccount();
  c.jobs.start();
  const accountId = c.accounts.activeId();
  const open = accountId ? c.jobs.store.openQueue(accountId) : []; // every open row, oldest first (list() is a page of the newest)
  if (open.length === 0) return out.result('Nothing is waiting in the outbox for this account.');
  const since = Date.now();
  c.jobs.store.wakeWaitingForConnection(); // try now rather than at the end of a backoff
  c.jobs.outbox.poke();
  let ok = true;
  for (const sub of open) ok = reportOutcome(ctx, c, out, await waitForOutcome(c, sub.id, since)) && ok;
  if (!ok) process.exitCode = EXIT_ERROR;
}

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('launch, follow and stop jobs');
  registerLiveCommands(jobs);
  registerJobViews(jobs);
  registerJobLaunch(jobs);
  registerEstimateCommand(jobs);
  registerSweepCommand(jobs);
  jobs.command('send').description("send this account's submissions waiting in the outbox of this data folder, then exit").action(action(sendOutbox));
  const templates = registerTemplateCommands(program);
  registerRerunCommands(jobs, templates);
}

/** `jobs list`, `jobs show`, `jobs watch`. */
function registerJobViews(jobs: Command): void {
  jobs
    .command('list')
    .description('your recent jobs, and submissions still waiting in the outbox')
    .option('--limit <n>', 'how many (1 to 200)', listLimit, 20)
    .option('--sweep <name>', 'the jobs of one sweep, one line per row')
    .action(action(listJobs));
  jobs.command('show').argument('<job>', 'job id', jobId).description('status history, inputs and outputs of a job').action(action(showJob));
  jobs
    .command('watch')
    .argument('<job>', 'job id', jobId)
    .description('follow a job until it ends, printing each status change')
    .option('--outputs', 'also wait for its outputs to download')
    .addOption(timeoutOption('the job'))
    .action(action(watchJob));
}

/** `jobs stop` and `jobs submit`. */
function registerJobLaunch(jobs: Command): void {
  jobs
    .command('stop')
    .argument('<job>', 'job id', jobId)
    .description('stop a running job')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courierWithAccount();
        await call(c, 'jobs', 'stop', { jobId: ctx.args[0]! });
        out.result(`Job ${ctx.args[0]} is stopping.`);
      }),
    );
  jobs
    .command('submit')
    .description('launch a job from a template through the outbox (exactly once, even offline)')
    .requiredOption('-t, --template <name>', 'template id or name, e.g. chainer')
    .option('-i, --input <paths...>', "local files or folders to upload as inputs (a folder goes up as one archive, unpacked in the job's working directory)")
    .option('--file-id <ids...>', 'Rescale file ids to use as inputs', each(fileId))
    .option('--value <pairs...>', 'template parameters, name=value')
    .option('--name <name>', 'job name')
    .option('--wait', 'follow the job to the end and download its outputs')
    .addOption(timeoutOption('the job'))
    .option('-o, --output-dir <dir>', 'where rescale_job_<ID>/ goes', '.')
    .action(action<SubmitOptions>((ctx, out, o) => submitFromTemplate(ctx, out, o)));
}
