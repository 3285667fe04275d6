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

export function jobRoutes(core: SandboxCore, jobs: JobService, r: Router): void {
  const job = (ctx: ApiCtx): JobRec => {
    const j = jobs.get(ctx.params['id'] ?? '');
    if (!j) throw new ApiError(notFound());
    return j;
  };
  const sizeOf = (j: JobRec) => jobs.outputs(j).reduce((n, f) => n + Number(f.record['decryptedSize'] ?? 0), 0);

  for (const api of ['v2', 'v3'] as const) {
    const base = `/api/${api}/jobs`;
    r.add(`${base}/`, {
      GET: async (ctx) => {
        const now = Date.now();
        await jobs.settleAll(now);
        return paginate(ctx, jobs.list(), (j) => jobListItem(core, j, now, sizeOf(j)));
      },
      POST: async (ctx) => {
        const v = assignProject(validateJob(await readJson(ctx.body, ctx.contentType), api, core.store.state.files));
        const created = await jobs.create(v, api);
        return json(201, jobView(core, created, api, ctx.origin));
      },
    });
    r.add(`${base}/:id/`, {
      GET: (ctx) => json(200, jobView(core, job(ctx), api, ctx.origin)),
      DELETE: async (ctx) => {
        const err = await jobs.remove(job(ctx));
        if (err) throw badRequest(err);
        return { status: 204, text: '' };
      },
    });
    r.add(`${base}/:id/stop/`, {
      POST: async (ctx) => {
        const err = await jobs.requestStop(job(ctx));
        if (err) throw badRequest(err);
        return EMPTY_OK;
      },
    });
    r.add(`${base}/:id/statuses/`, {
      GET: async (ctx) => {
        const now = Date.now();
        const j = job(ctx);
        await jobs.settle(j, now);
        return paginate(ctx, statusViews(j, api, now), (s) => s);
      },
    });
  }

  r.add('/api/v2/jobs/:id/submit/', {
    POST: async (ctx) => {
      const err = await jobs.submit(job(ctx));
      if (err) throw badRequest(err);
      return EMPTY_OK;
    },
  });
  const outputsOf = async (ctx: ApiCtx) => {
    const now = Date.now();
    const j = job(ctx);
    await jobs.settle(j, now);
    return { j, now, files: jobs.outputs(j) };
  };
  r.add('/api/v2/jobs/:id/runs/', {
    GET: async (ctx) => {
      const { j, now, files } = await outputsOf(ctx);
      return paginate(
        ctx,
        runViews(
          j,
          now,
          files.map((f) => ({ size: Number(f.record['decryptedSize'] ?? 0) })),
        ),
        (x) => x,
      );
    },
  });
  r.add('/api/v2/jobs/:id/files/', {
    GET: async (ctx) => {
      const { files } = await outputsOf(ctx);
      return paginate(ctx, files, (f) => fileView(f, ctx.origin));
    },
  });
  r.add('/api/v2/jobs/:id/runs/:run/files/', {
    GET: async (ctx) => {
      const { j, now, files } = await outputsOf(ctx);
      const run = runWindow(j, now);
      if (ctx.params['run'] !== '1' || !run) return notFound();
      // While the run runs, its files are the latest snapshot's copies of its live files.
      return paginate(ctx, run.completed === null ? jobs.snapshots(j) : files, (f) => fileView(f, ctx.origin));
    },
  });
}
