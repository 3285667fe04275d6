// `courier jobs sweep`: one template, a table of parameter rows (--csv FILE or --grid "lr=0.1,0.01 x
// seed=1..5"), one outbox submission per row. --dry-run expands and validates every row and sends
// nothing. Otherwise the rows are queued at once (or, for a sweep launched before, found again)
// and this process sends them in row order at the platform's submission pace, saying when the
// waiting rows go out; killed halfway, the same command run again continues without duplicates.
import { dirname, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { CourierError } from '../../shared/errors';
import type { SweepPreview, SweepSpec, SweepView } from '../../shared/sweeps';
import type { SweepRow } from '../../main/core/jobs/sweep-store';
import type { Courier } from '../../main/core/courier';
import type { CliContext } from '../context';
import { action } from '../action';
import { clean, EXIT_ERROR, jsonText, type Out } from '../output';
import { readInputFile } from '../paths';
import { call } from './core-call';
import { parseValues, whoSends } from './submit-template';
import { noticeDeadline, noticeGiven, parseDuration, showNotices, until, type Deadline } from './wait';

interface SweepOptions {
  template: string;
  csv?: string;
  grid?: string;
  name?: string;
  input?: string[];
  value?: string[];
  dryRun?: boolean;
  wait?: boolean;
  timeout?: Deadline;
  outputDir: string;
}

/** "~4 min": what a person plans with; the pace is the platform's budget, so it is an estimate. */
export function etaText(seconds: number): string {
  if (seconds <= 0) return 'now';
  if (seconds < 90) return `~${Math.ceil(seconds)} s`;
  if (seconds < 5400) return `~${Math.round(seconds / 60)} min`;
  return `~${(seconds / 3600).toFixed(1)} h`;
}

function specOf(o: SweepOptions): SweepSpec {
  if (!!o.csv === !!o.grid)
    throw new CourierError('invalid_input', 'Give the sweep\'s rows with either --csv FILE or --grid "lr=0.1,0.01 x seed=1..5" (one of the two).');
  const table = o.csv ? { kind: 'csv' as const, text: readInputFile(o.csv, 'the CSV file') } : { kind: 'grid' as const, text: o.grid ?? '' };
  // A path starting with a placeholder ({mesh}) is filled per row and read from the CSV's folder.
  const inputs = (o.input ?? []).map((p) => (p.startsWith('{') ? p : resolve(p)));
  return {
    templateId: o.template,
    table,
    inputs,
    baseDir: o.csv ? dirname(resolve(o.csv)) : process.cwd(),
    outputFolder: resolve(o.outputDir),
    ...(o.name ? { name: o.name } : {}),
    ...(o.value?.length ? { values: parseValues(o.value) } : {}),
  };
}

function printPreview(out: Out, p: SweepPreview): void {
  if (out.json) return out.result(jsonText(p));
  for (const r of p.rows) {
    out.result(`row ${r.row}\t${clean(r.jobName)}\t${clean(r.command)}`);
    for (const [k, v] of Object.entries(r.env)) out.result(`  env ${k}=${clean(v)}`);
    for (const i of r.inputs) out.result(`  input ${clean(i)}`);
  }
  const pace = p.submitsPerSecond
    ? `; at the platform's pace of ~${Math.round(p.submitsPerSecond * 60)} jobs a minute it would take ${etaText((p.rows.length - 1) / p.submitsPerSecond)}`
    : '';
  out.log(
    `Dry run: sweep "${clean(p.name)}" from "${clean(p.templateName)}" — ${p.rows.length} job(s), ${p.uploads} distinct input file(s) to upload${pace}. Nothing was queued or sent.`,
  );
}

const done = (v: SweepView) => v.counts.waiting === 0;

/** Sends until every row is out (or the account's queue is parked offline), telling where it stands. */
async function sendAll(c: Courier, out: Out, name: string, deadline: Deadline | undefined, onRound: () => void): Promise<SweepView> {
  let told = 0;
  let lastSent = -1;
  const get = () => call(c, 'sweeps', 'get', { sweep: name });
  for (;;) {
    const v = await get();
    onRound();
    if (done(v)) return v;
    const accountId = c.accounts.activeId();
    const head = accountId ? c.jobs.store.oldestOpen(accountId) : null;
    if (head?.waiting === 'connection') return v;
    const sent = v.total - v.counts.waiting; // submitted, refused or cancelled: out of the outbox
    if (v.next && (sent !== lastSent || Date.now() - told > 30_000)) {
      out.log(
        `${sent} of ${v.total} sent; row ${v.next.row} of ${v.total} goes out ${etaText(v.next.etaSeconds) === 'now' ? 'now' : `in ${etaText(v.next.etaSeconds)}`}${v.lastEtaSeconds ? `, the last in ${etaText(v.lastEtaSeconds)}` : ''}`,
      );
      told = Date.now();
      lastSent = sent;
    }
    if (deadline && Date.now() > deadline.at) return v;
    await nextChange(c);
  }
}

/** The next outbox change of this process, or a second (another process may be sending). */
function nextChange(c: Courier): Promise<void> {
  return new Promise((resolve) => {
    const end = () => {
      off();
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(end, 1000);
    const off = c.hub.subscribe((name) => {
      if (name === 'outboxChanged') end();
    });
  });
}

function report(ctx: CliContext, c: Courier, out: Out, v: SweepView): void {
  const k = v.counts;
  if (k.waiting > 0)
    out.log(
      `${k.waiting} row(s) are not sent yet. They stay queued in the outbox of ${ctx.dataDir} and go out exactly once, in order, by ${whoSends(c)}. Run the same command again to carry on, or see them with \`courier jobs list --sweep "${clean(v.name)}"\`.`,
    );
  for (const r of v.rows)
    if (r.state === 'failed') out.log(`ERROR - row ${r.row} (${clean(r.jobName)}) failed: ${clean(r.error?.message ?? 'see `courier jobs list`')}`);
  if (out.json) out.result(jsonText(v));
  else
    out.result(
      `Sweep "${clean(v.name)}": ${k.submitted} of ${v.total} submitted${k.completed ? `, ${k.completed} completed` : ''}${k.failed ? `, ${k.failed} failed` : ''}${k.stopped ? `, ${k.stopped} stopped` : ''}${k.cancelled ? `, ${k.cancelled} cancelled` : ''}${k.waiting ? `, ${k.waiting} waiting` : ''}`,
    );
}

async function runSweep(ctx: CliContext, out: Out, o: SweepOptions): Promise<void> {
  const spec = specOf(o);
  const c = await ctx.courierWithAccount();
  if (o.dryRun) return printPreview(out, await call(c, 'sweeps', 'preview', spec)); // the outbox is not started: nothing goes out
  c.jobs.start();
  const { sweep, resumed } = await call(c, 'sweeps', 'launch', spec);
  out.log(
    resumed
      ? `Sweep "${clean(sweep.name)}" was launched before: carrying on with its ${sweep.total} rows (${sweep.counts.submitted} already submitted), none queued again.`
      : `Sweep "${clean(sweep.name)}": ${sweep.total} job(s) queued from "${clean(sweep.templateName)}".`,
  );
  const follow = o.wait ? followRows(c, out, sweep.id) : null;
  try {
    let v = await sendAll(c, out, sweep.name, o.timeout, () => follow?.update());
    if (follow && done(v)) v = await waitForJobs(c, out, sweep, follow, o.timeout);
    report(ctx, c, out, v);
    if (v.counts.failed + v.counts.stopped > 0) process.exitCode = EXIT_ERROR;
  } finally {
    follow?.stop();
  }
}

/**
 * With --wait the sweep's jobs are this command's: each is followed from the moment it is sent,
 * as `jobs watch` follows one (its warnings and its finished notice are printed).
 */
function followRows(c: Courier, out: Out, sweepId: string): { update(): SweepRow[]; stop(): void } {
  const followed = new Map<string, () => void>();
  return {
    update() {
      const rows = c.jobs.sweeps.rows(sweepId);
      for (const { submission: s } of rows)
        if (s.jobId && !followed.has(s.jobId)) followed.set(s.jobId, showNotices(c, out, s.accountId, s.jobId, { finished: true }));
      return rows;
    },
    stop() {
      for (const unfollow of followed.values()) unfollow();
    },
  };
}

/** Until every sent row's job has ended and its finished notice has been given. */
async function waitForJobs(c: Courier, out: Out, sweep: SweepView, follow: { update(): SweepRow[] }, timeout: Deadline | undefined): Promise<SweepView> {
  const jobs = await until(
    c,
    () => {
      const sent = follow.update().flatMap(({ submission: s }) => (s.state === 'submitted' && s.jobId ? [{ accountId: s.accountId, jobId: s.jobId }] : []));
      return sent.every((j) => c.jobs.tracked.get(j.accountId, j.jobId)?.terminal) ? sent : undefined;
    },
    timeout,
    () =>
      new CourierError(
        'cancelled',
        `Stopped waiting after ${timeout?.text}: the sweep's jobs go on running; see them with \`courier jobs list --sweep "${sweep.name}"\`.`,
      ),
  );
  const deadline = noticeDeadline();
  for (const j of jobs) await noticeGiven(c, out, j.accountId, j.jobId, deadline);
  return call(c, 'sweeps', 'get', { sweep: sweep.name });
}

/** `courier jobs list --sweep NAME`: one line per row. */
export async function listSweep(ctx: CliContext, out: Out, name: string): Promise<void> {
  const c = await ctx.courierWithAccount();
  const v = await call(c, 'sweeps', 'get', { sweep: name });
  if (out.json) return out.result(jsonText(v));
  for (const r of v.rows) {
    const where =
      r.state === 'submitted'
        ? clean(r.status) || 'submitted'
        : r.etaSeconds !== null
          ? `${r.state}, goes out ${etaText(r.etaSeconds) === 'now' ? 'now' : `in ${etaText(r.etaSeconds)}`}`
          : r.state;
    out.result(
      `${r.row}\t${r.jobId ?? '-'}\t${where}\t${clean(r.jobName)}\t${Object.entries(r.values)
        .filter(([k]) => k !== 'row')
        .map(([k, val]) => `${k}=${clean(val)}`)
        .join(' ')}`,
    );
  }
  const k = v.counts;
  out.log(
    `Sweep "${clean(v.name)}": ${v.total} rows — ${k.waiting} waiting, ${k.submitted} submitted (${k.pending} pending, ${k.running} under way, ${k.completed} completed), ${k.failed} failed, ${k.stopped} stopped, ${k.cancelled} cancelled`,
  );
}

export function registerSweepCommand(jobs: Command): void {
  jobs
    .command('sweep')
    .description('launch one job per row of a table (a CSV file or a grid) from a template, each exactly once')
    .requiredOption('-t, --template <name>', 'template id or name')
    .option('--csv <file>', 'the rows: a header of column names, one line per job')
    .option('--grid <grid>', 'the rows as a grid, e.g. "lr=0.1,0.01 x seed=1..5" (every combination)')
    .option('--name <name>', "the sweep's name (default: from the template and the rows, so the same command continues the same sweep)")
    .option('-i, --input <paths...>', 'input files for every row; placeholders allowed, e.g. "{mesh}" or data/run_{row}.in')
    .option('--value <pairs...>', 'template parameters with one value for every row, name=value (as a column of that value)')
    .option('--dry-run', 'print the expanded jobs and check them; send nothing')
    .option('--wait', 'after sending, follow the jobs to the end')
    .addOption(new Option('--timeout <duration>', 'stop waiting after this long (e.g. 15m); the rows left stay queued').argParser(parseDuration))
    .option('-o, --output-dir <dir>', 'where <sweep name>/rescale_job_<ID>/ go', '.')
    .action(action<SweepOptions>((ctx, out, o) => runSweep(ctx, out, o)));
}
