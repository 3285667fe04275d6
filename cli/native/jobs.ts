import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { statusDef } from '../../shared/job-status';
import type { JobChanged } from '../../shared/jobs';
import { action } from '../main';
import type { Out } from '../output';
import { call } from './core-call';

const terminal = new Set(['completed', 'failed', 'stopped']);

/** The platform's word; "(not known to Courier)" after one the vocabulary lacks, so nobody waits on it as an ending. */
function statusWord(status: string): string {
  return status && !statusDef(status) ? `${status} (not known to Courier)` : status;
}

function printJob(out: Out, j: JobChanged): void {
  out.result(`${j.jobId}\t${j.status || '(not submitted)'}\t${j.name}`);
  for (const s of j.history) out.result(`  ${s.statusDate}  ${statusWord(s.status)}${s.statusReason ? ` — ${s.statusReason}` : ''}`);
}

/** "Job X reached terminal status: Completed", plus what it means when that is not plain success. */
function endLine(j: JobChanged): string {
  const reason = j.history[0]?.statusReason;
  const word = j.status.toLowerCase() === j.outcome ? '' : j.outcome;
  const extra = j.outcome === 'completed' ? '' : ` (${[word, reason].filter(Boolean).join(': ')})`;
  return `Job ${j.jobId} reached terminal status: ${j.status}${extra === ' ()' ? '' : extra}`;
}

/** Follows a job until it ends (and, when asked, until its outputs are on disk). */
async function waitForJob(c: Awaited<ReturnType<import('../context').CliContext['courier']>>, out: Out, jobId: string, wantOutputs: boolean): Promise<JobChanged> {
  let last = '';
  let printed = 0;
  // The poller's timers do not hold the process open; this does, until the job is done.
  const keepAlive = setInterval(() => undefined, 60_000);
  return new Promise<JobChanged>((resolvePromise) => {
    const seen = (j: JobChanged) => {
      if (j.jobId !== jobId) return;
      // Every step the history gained, oldest first: a short Waiting for Queue between two polls still shows.
      const fresh = j.history.slice(0, Math.max(0, j.history.length - printed)).reverse();
      for (const s of fresh) {
        if (s.status === last) continue;
        out.log(`Job ${jobId}: ${last || '-'} -> ${statusWord(s.status)}`);
        last = s.status;
      }
      printed = Math.max(printed, j.history.length);
      const outputsSettled = !wantOutputs || j.outputs.state === 'done' || j.outputs.state === 'failed' || j.outputs.state === 'none';
      if (terminal.has(j.outcome) && outputsSettled) {
        off();
        clearInterval(keepAlive);
        resolvePromise(j);
      }
    };
    const off = c.hub.subscribe((name, payload) => {
      if (name === 'jobChanged') seen(payload as JobChanged);
    });
    void call(c, 'jobs', 'follow', { jobId }).then(seen);
  });
}

export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('launch, follow and stop jobs');

  jobs
    .command('list')
    .description('your recent jobs, and submissions still waiting in the outbox')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .action(
      action<{ limit: number }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        const r = await call(c, 'jobs', 'list', { limit: o.limit });
        if (out.json) return out.result(JSON.stringify(r));
        for (const q of r.outbox) out.result(`(queued)\t${q.state}${q.waiting ? ` — waiting for ${q.waiting}` : ''}\t${q.jobName}\t${q.jobId ?? ''}`);
        for (const j of r.jobs) out.result(`${j.jobId}\t${j.status || '-'}\t${j.name}`);
        if (!r.online) out.log(`Offline: ${r.error ?? 'Rescale is unreachable'}; showing what is known locally.`);
      }),
    );

  jobs
    .command('show <job>')
    .description('status history, inputs and outputs of a job')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courierWithAccount();
        const d = await call(c, 'jobs', 'get', { jobId: ctx.args[0]! });
        if (out.json) return out.result(JSON.stringify(d));
        printJob(out, d);
        for (const f of d.inputs) out.result(`  input  ${f.id}\t${f.name}`);
        for (const f of d.outputFiles) out.result(`  output ${f.id}\t${f.relativePath}\t${f.size} B`);
      }),
    );

  jobs
    .command('watch <job>')
    .description('follow a job until it ends, printing each status change')
    .option('--outputs', 'also wait for its outputs to download')
    .action(
      action<{ outputs?: boolean }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        c.jobs.start();
        const j = await waitForJob(c, out, ctx.args[0]!, !!o.outputs);
        out.result(`${endLine(j)}${j.outputs.dir ? ` (outputs in ${j.outputs.dir})` : ''}`);
      }),
    );

  jobs
    .command('stop <job>')
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
    .option('-i, --input <paths...>', 'local files to upload as inputs')
    .option('--file-id <ids...>', 'Rescale file ids to use as inputs')
    .option('--value <pairs...>', 'template parameters, name=value')
    .option('--name <name>', 'job name')
    .option('--wait', 'follow the job to the end and download its outputs')
    .option('-o, --output-dir <dir>', 'where rescale_job_<ID>/ goes (default: the current folder)', '.')
    .action(
      action<{ template: string; input?: string[]; fileId?: string[]; value?: string[]; name?: string; wait?: boolean; outputDir: string }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        c.jobs.start();
        const values: Record<string, string> = {};
        for (const pair of o.value ?? []) {
          const at = pair.indexOf('=');
          if (at < 1) throw new CourierError('invalid_input', `--value takes name=value (got "${pair}").`);
          values[pair.slice(0, at)] = pair.slice(at + 1);
        }
        const inputs = [...(o.input ?? []).map((p) => ({ path: resolve(p) })), ...(o.fileId ?? []).map((fileId) => ({ fileId }))];
        const entry = await call(c, 'jobs', 'launch', { templateId: o.template, inputs, values, outputFolder: resolve(o.outputDir), ...(o.name ? { name: o.name } : {}) });
        out.log(`Queued "${entry.jobName}" (submission ${entry.id})${c.connectivity.isOnline() ? '' : ' — offline: it goes out when the connection returns'}`);
        if (!o.wait) return out.result(JSON.stringify({ submissionId: entry.id, state: entry.state }));
        // Wait for the outbox to create and submit it, then follow it to the end.
        const keepAlive = setInterval(() => undefined, 60_000);
        const jobId = await new Promise<string>((resolveId, reject) => {
          const check = (e: { id: string; jobId: string | null; state: string; error: { message: string } | null }) => {
            if (e.id !== entry.id) return;
            if (e.state === 'failed' || e.state === 'cancelled') {
              off();
              reject(new CourierError('server_error', `The submission ${e.state}: ${e.error?.message ?? 'see `courier jobs list`'}`));
            } else if (e.jobId && e.state === 'submitted') {
              off();
              resolveId(e.jobId);
            }
          };
          const off = c.hub.subscribe((name, payload) => {
            if (name === 'outboxChanged') check(payload as never);
          });
          check(entry);
        }).finally(() => clearInterval(keepAlive));
        out.log(`Job ${jobId}: submitted`);
        const j = await waitForJob(c, out, jobId, true);
        if (out.json) return out.result(JSON.stringify({ jobId, status: j.status, outcome: j.outcome, outputs: j.outputs }));
        out.result(`${endLine(j)}${j.outputs.dir ? `; ${j.outputs.files} output file(s) in ${j.outputs.dir}` : ''}`);
        if (j.outcome !== 'completed') process.exitCode = 33;
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
        if (out.json) return out.result(JSON.stringify(r));
        for (const e of r.templates) {
          const t = e.template;
          out.result(`${t.id}\t${t.name}\t${t.analysis.code} ${t.analysis.version}\t${t.hardware.coreType} ×${t.hardware.coresPerSlot}${e.builtIn ? '\t(preset)' : ''}${e.issues.length ? `\t${e.issues.length} problem(s)` : ''}`);
        }
      }),
    );
  templates
    .command('show <template>')
    .description('print a template as JSON')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        out.result(JSON.stringify(await call(c, 'templates', 'get', { id: ctx.args[0]! }), null, 2));
      }),
    );
  templates
    .command('import <file>')
    .description('import a template exported from Courier')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        const e = await call(c, 'templates', 'import', { json: readFileSync(ctx.args[0]!, 'utf8') });
        out.result(`Imported "${e.template.name}" (${e.template.id})${e.issues.length ? `; ${e.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}` : ''}`);
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
          writeFileSync(o.output, r.json);
          out.log(`Wrote ${o.output}`);
        } else out.result(r.json);
      }),
    );
}
