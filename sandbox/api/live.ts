// Live files of a running job's run: the working directory, the end of a file, and snapshots
// that copy the files the run wrote to storage as ordinary encrypted file records. The shapes
// are the sandbox's reading of the platform (docs/rescale-protocol.md, "Live files"); once the
// run has ended the cluster is gone and these answer 404, as the platform's do.
import type { SandboxCore } from '../core';
import { runWindow } from '../jobs/clock';
import { liveFilesAt, type LiveFile } from '../jobs/live';
import { storeJobFile } from '../jobs/outputs';
import type { JobService } from '../jobs/service';
import type { JobRec } from '../store/state';
import { isoMicro } from '../util/time';
import type { Json } from '../util/json';
import { ApiError, fieldError, json, notFound, type ApiResult } from './http';
import { paginate } from './pagination';
import type { ApiCtx, Router } from './router';

/** The most lines one tail answers (DRF-style 400 above it). */
export const MAX_TAIL_LINES = 10_000;
const DEFAULT_TAIL_LINES = 100;

/** The last `n` lines of `text`, a last line without newline included (like `tail -n`). */
export function lastLines(text: string, n: number): string {
  const complete = text.endsWith('\n');
  const lines = (complete ? text.slice(0, -1) : text).split('\n');
  if (text === '') return '';
  return `${lines.slice(-n).join('\n')}${complete ? '\n' : ''}`;
}

function tailCount(ctx: ApiCtx): number {
  const raw = ctx.url.searchParams.get('lines');
  if (raw === null || raw === '') return DEFAULT_TAIL_LINES;
  if (!/^\d+$/.test(raw)) throw fieldError({ lines: ['A valid integer is required.'] });
  const n = Number(raw);
  if (n < 1) throw fieldError({ lines: ['Ensure this value is greater than or equal to 1.'] });
  if (n > MAX_TAIL_LINES) throw fieldError({ lines: [`Ensure this value is less than or equal to ${MAX_TAIL_LINES}.`] });
  return n;
}

export function liveRoutes(core: SandboxCore, jobs: JobService, r: Router): void {
  /** The job and its live files now; 404 unless run `run` is running (the sandbox's runs have id "1"). */
  const running = async (ctx: ApiCtx): Promise<{ job: JobRec; files: LiveFile[]; now: number }> => {
    const job = jobs.get(ctx.params['id'] ?? '');
    const now = Date.now();
    const run = job ? runWindow(job, now) : null;
    if (!job || ctx.params['run'] !== '1' || !run || run.completed !== null) throw new ApiError(notFound());
    return { job, files: await liveFilesAt(core, job, now), now };
  };
  const base = '/api/v2/jobs/:id/runs/:run';
  r.add(`${base}/directory-contents/`, {
    GET: async (ctx) => {
      const { files } = await running(ctx);
      const view = (f: LiveFile): Json => ({ path: f.path, isDirectory: false, size: f.size, lastModified: isoMicro(f.modifiedAt) });
      // Realistic mode answers one bare array (reshaped in realistic.ts); the tidy sandbox, pages.
      return core.config.realistic ? json(200, files.map(view)) : paginate(ctx, files, view);
    },
  });
  r.add(`${base}/tail/*path/`, {
    GET: async (ctx): Promise<ApiResult> => {
      const n = tailCount(ctx);
      const { files } = await running(ctx);
      const f = files.find((x) => x.path === ctx.params['path']);
      if (!f || f.body === null) return notFound(); // inputs are not tailed: only what the run writes
      return { status: 200, text: lastLines(f.body, n), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    },
  });
  r.add(`${base}/snapshot/`, {
    POST: async (ctx) => {
      const { job, files, now } = await running(ctx);
      const old = jobs.snapshots(job);
      for (const f of files) {
        if (f.body === null) continue;
        await storeJobFile(core, job, { relativePath: f.path, body: f.body, at: now, snapshot: true });
      }
      // A new snapshot replaces the previous copies.
      for (const f of old) {
        delete core.store.state.files[f.id];
        const pp = f.record['pathParts'] as { container: string; path: string };
        await core.blobs.delete(pp.container, pp.path);
      }
      await core.store.commit();
      return { status: 200, text: '' };
    },
  });
}
