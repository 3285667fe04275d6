import type { SandboxCore } from '../core';
import type { JobService } from '../jobs/service';
import { runWindow } from '../jobs/clock';
import { jobListItem, jobView, runViews, statusViews } from '../jobs/views';
import { validateJob } from '../jobs/validate';
import type { JobRec } from '../store/state';
import { fileView } from './file-records';
import { ApiError, badRequest, json, notFound, readJson, type ApiResult } from './http';
import { paginate } from './pagination';
import { assignProject } from './projects';
import type { ApiCtx, Router } from './router';

/** Empty 200, like the platform's submit/stop ("no data returned"). */
const EMPTY_OK: ApiResult = { status: 200, text: '' };

type Api = 'v2' | 'v3';

/** The job endpoints' handlers, by name; jobRoutes below maps them onto paths. */
class JobEndpoints {
  constructor(
    private readonly core: SandboxCore,
    private readonly jobs: JobService,
  ) {}

  private job(ctx: ApiCtx): JobRec {
    const j = this.jobs.get(ctx.params['id'] ?? '');
    if (!j) throw new ApiError(notFound());
    return j;
  }

  private sizeOf(j: JobRec): number {
    return this.jobs.outputs(j).reduce((n, f) => n + Number(f.record['decryptedSize'] ?? 0), 0);
  }

  async list(ctx: ApiCtx): Promise<ApiResult> {
    const now = Date.now();
    await this.jobs.settleAll(now);
    return paginate(ctx, this.jobs.list(), (j) => jobListItem(this.core, j, now, this.sizeOf(j)));
  }

  async create(ctx: ApiCtx, api: Api): Promise<ApiResult> {
    const v = assignProject(validateJob(await readJson(ctx.body, ctx.contentType), api, this.core.store.state.files));
    const created = await this.jobs.create(v, api);
    return json(201, jobView(this.core, created, api, ctx.origin));
  }

  detail(ctx: ApiCtx, api: Api): ApiResult {
    return json(200, jobView(this.core, this.job(ctx), api, ctx.origin));
  }

  async remove(ctx: ApiCtx): Promise<ApiResult> {
    const err = await this.jobs.remove(this.job(ctx));
    if (err) throw badRequest(err);
    return { status: 204, text: '' };
  }

  async stop(ctx: ApiCtx): Promise<ApiResult> {
    const err = await this.jobs.requestStop(this.job(ctx));
    if (err) throw badRequest(err);
    return EMPTY_OK;
  }

  async submit(ctx: ApiCtx): Promise<ApiResult> {
    const err = await this.jobs.submit(this.job(ctx));
    if (err) throw badRequest(err);
    return EMPTY_OK;
  }

  async statuses(ctx: ApiCtx, api: Api): Promise<ApiResult> {
    const now = Date.now();
    const j = this.job(ctx);
    await this.jobs.settle(j, now);
    return paginate(ctx, statusViews(j, api, now), (s) => s);
  }

  private async outputsOf(ctx: ApiCtx) {
    const now = Date.now();
    const j = this.job(ctx);
    await this.jobs.settle(j, now);
    return { j, now, files: this.jobs.outputs(j) };
  }

  async runs(ctx: ApiCtx): Promise<ApiResult> {
    const { j, now, files } = await this.outputsOf(ctx);
    const sizes = files.map((f) => ({ size: Number(f.record['decryptedSize'] ?? 0) }));
    return paginate(ctx, runViews(j, now, sizes), (x) => x);
  }

  async files(ctx: ApiCtx): Promise<ApiResult> {
    const { files } = await this.outputsOf(ctx);
    return paginate(ctx, files, (f) => fileView(f, ctx.origin));
  }

  async runFiles(ctx: ApiCtx): Promise<ApiResult> {
    const { j, now, files } = await this.outputsOf(ctx);
    const run = runWindow(j, now);
    if (ctx.params['run'] !== '1' || !run) return notFound();
    // While the run runs, its files are the latest snapshot's copies of its live files.
    return paginate(ctx, run.completed === null ? this.jobs.snapshots(j) : files, (f) => fileView(f, ctx.origin));
  }
}

export function jobRoutes(core: SandboxCore, jobs: JobService, r: Router): void {
  const h = new JobEndpoints(core, jobs);
  for (const api of ['v2', 'v3'] as const) {
    const base = `/api/${api}/jobs`;
    r.add(`${base}/`, { GET: (ctx) => h.list(ctx), POST: (ctx) => h.create(ctx, api) });
    r.add(`${base}/:id/`, { GET: (ctx) => h.detail(ctx, api), DELETE: (ctx) => h.remove(ctx) });
    r.add(`${base}/:id/stop/`, { POST: (ctx) => h.stop(ctx) });
    r.add(`${base}/:id/statuses/`, { GET: (ctx) => h.statuses(ctx, api) });
  }
  r.add('/api/v2/jobs/:id/submit/', { POST: (ctx) => h.submit(ctx) });
  r.add('/api/v2/jobs/:id/runs/', { GET: (ctx) => h.runs(ctx) });
  r.add('/api/v2/jobs/:id/files/', { GET: (ctx) => h.files(ctx) });
  r.add('/api/v2/jobs/:id/runs/:run/files/', { GET: (ctx) => h.runFiles(ctx) });
}
