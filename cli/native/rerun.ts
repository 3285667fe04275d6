// `courier jobs rerun JOB` and `courier templates import-job JOB`: any platform job (not only
// Courier's) read from its record, run again through the outbox or saved as a template.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { action } from '../action';
import { jobId } from '../arg-checks';
import { clean, jsonText } from '../output';
import { call } from './core-call';
import { reportOutcome } from './submit-template';
import { endLineWithOutputs, waitForJob, waitForOutcome, waitForSubmitted } from './wait';

interface RerunOptions {
  name?: string;
  wait?: boolean;
  outputDir: string;
}

export function registerRerunCommands(jobs: Command, templates: Command): void {
  jobs
    .command('rerun')
    .argument('<job>', 'job id (any job of the account, launched by Courier or not)', jobId)
    .description('run a job again with the same software, hardware, command and inputs (platform files reused by id), through the outbox')
    .option('--name <name>', 'name of the new job (default: the same name)')
    .option('--wait', 'follow the new job to the end and download its outputs')
    .option('-o, --output-dir <dir>', 'where rescale_job_<ID>/ goes', '.')
    .action(
      action<RerunOptions>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        c.jobs.start();
        const from = ctx.args[0]!;
        const entry = await call(c, 'jobs', 'rerun', { jobId: from, outputFolder: resolve(o.outputDir), ...(o.name ? { name: o.name } : {}) });
        out.log(
          `Queued "${clean(entry.jobName)}" again from job ${from} (submission ${entry.id}); inputs reused: ${entry.inputs.map((i) => i.fileId ?? i.name).join(', ') || 'none'}`,
        );
        if (!o.wait) {
          const s = await waitForOutcome(c, entry.id);
          if (!reportOutcome(ctx, c, out, s))
            throw new CourierError('server_error', `The submission ${s.state}: ${s.error?.message ?? 'see `courier jobs list`'}`);
          return;
        }
        const newId = await waitForSubmitted(c, out, entry.id, undefined);
        out.log(`Job ${newId}: submitted`);
        const j = await waitForJob(c, out, newId, { outputs: true });
        if (out.json) out.result(jsonText({ jobId: newId, from, status: j.status, outcome: j.outcome, outputs: j.outputs }));
        else out.result(endLineWithOutputs(j));
        if (j.outcome !== 'completed') process.exitCode = 33;
      }),
    );

  jobs
    .command('tags')
    .argument('<job>', 'job id', jobId)
    .description("a job's tags on the platform; --add and --remove change them")
    .option('--add <tags...>', 'tags to add')
    .option('--remove <tags...>', 'tags to remove')
    .action(
      action<{ add?: string[]; remove?: string[] }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        const job = ctx.args[0]!;
        const r =
          o.add || o.remove
            ? await call(c, 'jobs', 'setTags', { jobId: job, add: o.add ?? [], remove: o.remove ?? [] })
            : await call(c, 'jobs', 'tags', { jobId: job });
        if (out.json) return out.result(jsonText(r));
        for (const t of r.tags) out.result(clean(t));
        if (r.tags.length === 0) out.log(`Job ${job} has no tags.`);
      }),
    );

  templates
    .command('import-job')
    .argument('<job>', 'job id', jobId)
    .description("save a platform job's software, hardware, command, inputs and environment as a template")
    .option('--name <name>', 'template name (default: the job name and id)')
    .action(
      action<{ name?: string }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        const e = await call(c, 'templates', 'fromJob', { jobId: ctx.args[0]!, ...(o.name ? { name: o.name } : {}) });
        if (out.json) return out.result(jsonText(e));
        out.result(
          `Saved "${clean(e.template.name)}" (${e.template.id}) from job ${ctx.args[0]}: ${e.template.analysis.code} ${e.template.analysis.version} on ${e.template.hardware.coreType} ×${e.template.hardware.coresPerSlot}, ${e.template.inputs.length} input file(s) by id`,
        );
      }),
    );
}
