import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { CourierError } from '../../shared/errors';
import type { JobChanged } from '../../shared/jobs';
import { action } from '../main';
import { clean, escapeJsonControls, EXIT_ERROR, EXIT_TIMEOUT, jsonText, type Out } from '../output';
import { each, fileId, jobId, listLimit } from '../arg-checks';
import { checkOutputFile, readInputFile } from '../paths';
import { call } from './core-call';
import { registerRerunCommands } from './rerun';
import { costLine, registerEstimateCommand } from './estimate';
import { registerLiveCommands } from './live';
import { reportOutcome, submitFromTemplate, type SubmitOptions } from './submit-template';
import { listSweep, registerSweepCommand } from './sweep';
import { endLine, parseDuration, statusWord, waitForJob, waitForOutcome, type Deadline } from './wait';

function printJob(out: Out, j: JobChanged): void {
  out.result(`${j.jobId}\t${clean(j.status) || '(not submitted)'}\t${clean(j.name)}`);
  for (const h of j.history) out.result(`  ${clean(h.statusDate)}  ${statusWord(h.status)}${h.statusReason ? ` — ${clean(h.statusReason)}` : ''}`);
}

const timeoutOption = (what: string) =>
  new Option('--timeout <duration>', `stop waiting after this long (e.g. 90s, 15m, 2h): exit ${EXIT_TIMEOUT}, ${what} goes on`).argParser(parseDuration);

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('launch, follow and stop jobs');
  registerLiveCommands(jobs);

  jobs
    .command('list')
    .description('your recent jobs, and submissions still waiting in the outbox')
    .option('--limit <n>', 'how many (1 to 200)', listLimit, 20)
    .option('--sweep <name>', 'the jobs of one sweep, one line per row')
    .action(
      action<{ limit: number; sweep?: string }>(async (ctx, out, o) => {
        if (o.sweep) return listSweep(ctx, out, o.sweep);
        const c = await ctx.courierWithAccount();
        const r = await call(c, 'jobs', 'list', { limit: o.limit });
        if (out.json) return out.result(jsonText(r));
        for (const q of r.outbox) out.result(`(queued)\t${q.state}${q.waiting ? ` — waiting for ${q.waiting}` : ''}\t${clean(q.jobName)}\t${q.jobId ?? ''}`);
        for (const j of r.jobs) out.result(`${j.jobId}\t${clean(j.status) || '-'}\t${clean(j.name)}`);
        if (!r.online) out.log(`Offline: ${r.error ?? 'Rescale is unreachable'}; showing what is known locally.`);
      }),
    );

  jobs
    .command('show')
    .argument('<job>', 'job id', jobId)
    .description('status history, inputs and outputs of a job')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courierWithAccount();
        const d = await call(c, 'jobs', 'get', { jobId: ctx.args[0]! });
        if (out.json) return out.result(jsonText(d));
        printJob(out, d);
        for (const f of d.inputs) out.result(`  input  ${f.id}\t${clean(f.name)}`);
        for (const f of d.outputFiles) out.result(`  output ${f.id}\t${clean(f.relativePath)}\t${f.size} B`);
        if (d.cost) out.result(costLine(d.cost));
      }),
    );

  jobs
    .command('watch')
    .argument('<job>', 'job id', jobId)
    .description('follow a job until it ends, printing each status change')
    .option('--outputs', 'also wait for its outputs to download')
    .addOption(timeoutOption('the job'))
    .action(
      action<{ outputs?: boolean; timeout?: Deadline }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        c.jobs.start();
        const j = await waitForJob(c, out, ctx.args[0]!, { outputs: !!o.outputs, ...(o.timeout ? { deadline: o.timeout } : {}) });
        if (out.json) return out.result(jsonText(j));
        out.result(`${endLine(j)}${j.outputs.dir ? ` (outputs in ${j.outputs.dir})` : ''}`);
        // The final cost, when the job's record can still be read (it is a courtesy, not the result).
        const cost = (await call(c, 'jobs', 'get', { jobId: j.jobId }).catch(() => null))?.cost;
        if (cost) out.result(costLine(cost).trim());
      }),
    );

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
  registerEstimateCommand(jobs);

  registerSweepCommand(jobs);

  jobs
    .command('send')
    .description("send this account's submissions waiting in the outbox of this data folder, then exit")
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courierWithAccount();
        c.jobs.start();
        const accountId = c.accounts.activeId();
        const open = c.jobs.store
          .list({ open: true })
          .filter((x) => x.accountId === accountId)
          .reverse();
        if (open.length === 0) return out.result('Nothing is waiting in the outbox for this account.');
        const since = Date.now();
        c.jobs.store.wakeWaitingForConnection(); // try now rather than at the end of a backoff
        c.jobs.outbox.poke();
        let ok = true;
        for (const sub of open) ok = reportOutcome(ctx, c, out, await waitForOutcome(c, sub.id, since)) && ok;
        if (!ok) process.exitCode = EXIT_ERROR;
      }),
    );

  const templates = program.command('templates').description('job templates (GPU presets included)');
  templates
    .command('list')
    .description('saved templates and presets, with any problems against the platform catalog')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        const r = await call(c, 'templates', 'list', {});
        if (out.json) return out.result(jsonText(r));
        for (const e of r.templates) {
          const t = e.template;
          out.result(
            `${t.id}\t${t.name}\t${t.analysis.code} ${t.analysis.version}\t${t.hardware.coreType} ×${t.hardware.coresPerSlot}${e.builtIn ? '\t(preset)' : ''}${e.issues.length ? `\t${e.issues.length} problem(s)` : ''}`,
          );
        }
      }),
    );
  templates
    .command('show <template>')
    .description('print a template as JSON')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        out.result(jsonText(await call(c, 'templates', 'get', { id: ctx.args[0]! }), 2));
      }),
    );
  templates
    .command('import <file>')
    .description('import a template exported from Courier')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        const file = ctx.args[0]!;
        const e = await call(c, 'templates', 'import', { json: readInputFile(file, 'the template file') }).catch((err: unknown) => {
          // Core does not know the file's name; the person needs it, and what a template file is.
          if (err instanceof CourierError && err.field === 'json')
            throw new CourierError(err.code, `${file}: ${err.message} Give a file written by \`courier templates export\` (or Export in the app).`);
          throw err;
        });
        out.result(
          `Imported "${e.template.name}" (${e.template.id})${e.issues.length ? `; ${e.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}` : ''}`,
        );
      }),
    );
  templates
    .command('export <template>')
    .description('write a template as JSON (to -o FILE or stdout)')
    .option('-o, --output <file>', 'file to write')
    .action(
      action<{ output?: string }>(async (ctx, out, o) => {
        const c = await ctx.courier();
        const r = await call(c, 'templates', 'export', { id: ctx.args[0]! });
        if (o.output) {
          checkOutputFile(o.output, '-o');
          writeFileSync(o.output, r.json);
          out.log(`Wrote ${o.output}`);
        } else out.result(escapeJsonControls(r.json));
      }),
    );
  registerRerunCommands(jobs, templates);
}
