// `courier jobs files|tail|snapshot`: the live files of a running job (issue #18). Text from the
// platform (paths, log lines) is printed through Out, which strips terminal controls.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { jobId } from '../arg-checks';
import type { CliContext } from '../context';
import { action } from '../action';
import { clean, jsonText, type Out } from '../output';
import { checkOutputDir } from '../paths';
import type { Courier } from '../../main/core/courier';
import { call } from './core-call';
import { followJob, noticeDeadline, noticeGiven } from './wait';

const LOG = 'process_output.log';

function positiveInt(max: number, what: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 1 || n > max)
      throw new CourierError('invalid_input', `${what} must be a whole number from 1 to ${max}, not ${JSON.stringify(v)}.`);
    return n;
  };
}

function seconds(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0.2 || n > 3600)
    throw new CourierError('invalid_input', `--interval must be a number of seconds from 0.2 to 3600, not ${JSON.stringify(v)}.`);
  return n;
}

async function filesCommand(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courierWithAccount();
  const r = await call(c, 'jobs', 'liveFiles', { jobId: ctx.args[0]! });
  if (out.json) return out.result(jsonText(r));
  if (!r.available) return out.log(r.note ?? `Job ${ctx.args[0]} has no live files.`);
  for (const e of r.entries) out.result(`${e.size === null ? '-' : String(e.size)}\t${e.modifiedAt ?? '-'}\t${e.path}`);
  if (r.note) out.log(r.note);
}

interface TailOptions {
  lines: number;
  follow?: boolean;
  interval: number;
}

/**
 * Prints the last lines, then (with --follow) each new line once, until the job ends. Following
 * the file follows the job, as `jobs watch` does: its warnings and its finished notice are printed.
 */
async function tailCommand(ctx: CliContext, out: Out, o: TailOptions): Promise<void> {
  const c = await ctx.courierWithAccount();
  const [job, path = LOG] = ctx.args as [string, string | undefined];
  if (!o.follow) return readTail(c, out, job, path, o);
  c.jobs.start();
  const { accountId, unfollow } = await followJob(c, out, job, { finished: true });
  try {
    await readTail(c, out, job, path, o);
    await noticeGiven(c, out, accountId, job, noticeDeadline());
  } finally {
    unfollow();
  }
}

async function readTail(c: Courier, out: Out, job: string, path: string, o: TailOptions): Promise<void> {
  let cursor: string | undefined;
  let lastNote: string | undefined;
  for (;;) {
    const r = await call(c, 'jobs', 'liveTail', { jobId: job, path, lines: o.lines, ...(cursor ? { cursor } : {}) });
    // Notes go to stderr, so stdout is the file's lines only; each once while it holds.
    if (r.note && (r.note !== lastNote || r.restarted) && !out.quiet) process.stderr.write(`${clean(r.note)}\n`);
    lastNote = r.note;
    for (const line of r.lines) out.result(line);
    cursor = r.cursor;
    if (!o.follow || r.final) return;
    await sleep(o.interval * 1000);
  }
}

async function snapshotCommand(ctx: CliContext, out: Out, o: { outputDir: string }): Promise<void> {
  checkOutputDir(o.outputDir, '-o');
  const c = await ctx.courierWithAccount();
  const job = ctx.args[0]!;
  const sess = await c.accounts.session();
  const transfers = c.jobs.d.transfers;
  const deps = { api: sess.api, accountId: sess.account.id, transfers, cacheDir: resolve(ctx.dataDir, 'cache', 'live') };
  // Loaded here, not at the top: `courier --help` must not load the core (cli-build.test.ts).
  const [{ liveDownload }, { jobFolder }] = await Promise.all([import('../../main/core/jobs/live'), import('../../main/core/jobs/outputs')]);
  const r = await liveDownload(deps, { jobId: job, dir: jobFolder(resolve(o.outputDir), job) });
  const outcomes = await transfers.settle(sess.account.id, r.transferIds);
  const failed = outcomes.filter((x) => !x || x.state !== 'done');
  if (failed.length)
    throw new CourierError(
      'server_error',
      `${failed.length} of ${r.transferIds.length} live files could not be downloaded: ${failed[0]?.error?.message ?? 'unknown error'}.`,
    );
  const paths = outcomes.map((x) => x!.localPath);
  if (out.json) return out.result(jsonText({ dir: r.dir, files: r.files, paths }));
  out.log(`Snapshot of job ${job}: ${paths.length} file(s) in ${r.dir}`);
  for (const p of paths) out.result(p);
}

/** Adds `files`, `tail` and `snapshot` under `courier jobs`. */
export function registerLiveCommands(jobs: Command): void {
  jobs
    .command('files')
    .argument('<job>', 'job id', jobId)
    .description("a running job's working directory: size, last change and path of each file")
    .action(action((ctx, out) => filesCommand(ctx, out)));

  jobs
    .command('tail')
    .argument('<job>', 'job id', jobId)
    .argument('[path]', `a file of the working directory (default ${LOG})`)
    .description('the last lines of a live file; --follow prints new lines as they appear and ends when the job ends')
    .option('-n, --lines <n>', 'how many lines to show first (1 to 5000)', positiveInt(5000, '-n'), 20)
    .option('-f, --follow', 'keep printing new lines until the job ends')
    .option('--interval <seconds>', 'with --follow: seconds between reads (0.2 to 3600)', seconds, 2)
    .action(action<TailOptions>((ctx, out, o) => tailCommand(ctx, out, o)));

  jobs
    .command('snapshot')
    .argument('<job>', 'job id', jobId)
    .description('download the files a running job has written so far into <dir>/rescale_job_<JOB>/')
    .option('-o, --output-dir <dir>', 'where rescale_job_<JOB>/ goes', '.')
    .action(action<{ outputDir: string }>((ctx, out, o) => snapshotCommand(ctx, out, o)));
}
