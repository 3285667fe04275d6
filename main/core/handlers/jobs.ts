import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { CourierHandlers } from '../../../shared/contract';
import { CourierError } from '../../../shared/errors';
import type { JobSummary, JobTemplate } from '../../../shared/jobs';
import type { CoreServices } from '../courier';
import { walkTree } from '../archive/walk';
import { hardwareOfRecord, jobCostView, monthCostView } from '../jobs/cost-view';
import { jobsPage } from '../jobs/jobs-list';
import { editQueued, enqueueLaunch, notEditable, retryFailed, type LaunchContext } from '../jobs/launch';
import { PRESETS } from '../jobs/presets';
import { isTerminal, outcomeOf, outcomeOfStatus, toHistory } from '../jobs/status';
import { tailLog } from '../jobs/tail';
import { liveHandlers } from './live';
import { catalogIssues, checkTemplate } from '../jobs/validate';
import { jobChangedView, outboxViews, trackedSummary } from '../jobs/views';
import { displayName } from '../notify/messages';
import type { CallContext } from '../rpc/router';
import { jobRecordServices } from './job-records';

type Handlers = Pick<CourierHandlers<CallContext>, 'templates' | 'catalog' | 'jobs'>;

const inputFiles = z.array(z.looseObject({ inputFiles: z.array(z.looseObject({ id: z.string(), name: z.string().nullish() })).nullish() })).catch([]);

export function jobHandlers(s: CoreServices): Handlers {
  const jobs = s.jobs;
  const session = () => s.accounts.session();
  const cachedCatalog = () => {
    const id = s.accounts.activeId();
    return id ? jobs.catalog.cached(id) : null;
  };
  const entry = (template: JobTemplate, builtIn: boolean) => {
    const catalog = cachedCatalog();
    return { template, builtIn, issues: catalog ? catalogIssues(template, catalog) : [] };
  };
  // A launch never waits for the network: the catalog check uses the disk cache (refreshed in the background).
  const launchContext = async (): Promise<LaunchContext> => {
    const sess = await session();
    const catalog = jobs.catalog.cached(sess.account.id);
    if (!catalog || catalog.stale) jobs.refreshCatalog(sess.account.id);
    return { accountId: sess.account.id, api: sess.api, catalog };
  };
  const records = jobRecordServices(s);
  const submission = (id: string) => {
    const sub = jobs.store.get(id);
    if (!sub) throw new CourierError('not_found', 'That submission is no longer in the outbox.', { field: 'id' });
    return sub;
  };

  return {
    templates: {
      async list() {
        const active = s.accounts.activeId();
        if (active && !cachedCatalog()) jobs.refreshCatalog(active);
        const saved = jobs.templates.list().map((t) => entry(t, false));
        return { templates: [...saved, ...PRESETS.map((t) => entry(t, true))], catalogAgeSeconds: cachedCatalog()?.ageSeconds ?? null };
      },
      async get({ id }) {
        const r = jobs.templates.get(id);
        return entry(r.template, r.builtIn);
      },
      async save({ template }) {
        return entry(await jobs.templates.save(template), false);
      },
      async delete({ id }) {
        return { deleted: await jobs.templates.delete(id) };
      },
      async duplicate({ id, name }) {
        return entry(await jobs.templates.duplicate(id, name), false);
      },
      async import({ json }) {
        return entry(await jobs.templates.import(json), false);
      },
      async export({ id }) {
        return jobs.templates.export(id);
      },
      async validate({ template }) {
        const catalog = cachedCatalog();
        const { issues } = checkTemplate(template, catalog);
        return { ok: issues.length === 0, issues, catalogAgeSeconds: catalog?.ageSeconds ?? null };
      },
      async presets() {
        return { templates: PRESETS.map((t) => entry(t, true)) };
      },
      fromJob: records.fromJob,
    },
    catalog: {
      async get({ refresh }) {
        const sess = await session();
        return jobs.catalog.get(sess.account.id, sess.api, { refresh });
      },
    },
    jobs: {
      async describeInput({ path }) {
        const st = await stat(path).catch(() => null);
        if (!st) throw new CourierError('local_file', `Not found: ${path}`, { field: 'path' });
        if (!st.isDirectory()) return { kind: 'file' as const, files: 1, bytes: st.size };
        const tree = await walkTree(path);
        return { kind: 'folder' as const, files: tree.files, bytes: tree.bytes };
      },
      async launch(req) {
        const saved = jobs.templates.get(req.templateId).template;
        // The snapshot travels with the submission, so a per-launch output folder survives restarts.
        const withFolder = req.outputFolder ? { ...saved, outputs: { ...saved.outputs, folder: req.outputFolder } } : saved;
        const { projectId: _p, ...noProject } = withFolder;
        const template = req.projectId === undefined ? withFolder : req.projectId ? { ...withFolder, projectId: req.projectId } : noProject;
        const ctx = await launchContext();
        const sub = await enqueueLaunch(jobs.store, { template, inputs: req.inputs, values: req.values, ...(req.name ? { name: req.name } : {}) }, ctx);
        s.activity.say('info', 'jobs', {
          key: s.connectivity.isOnline() ? 'jobQueued' : 'jobQueuedOffline',
          params: { jobName: sub.jobName, template: template.name },
        });
        jobs.submissionChanged(sub);
        jobs.outbox.poke();
        return jobs.entry(sub);
      },
      async list({ limit, tag }) {
        const sess = await session();
        const accountId = sess.account.id;
        const tracked = new Map(jobs.tracked.all(accountId, 1000).map((t) => [t.jobId, t]));
        let list: JobSummary[];
        let error: string | undefined;
        try {
          // Offline, answer from what Courier knows rather than after the client's retries.
          const page = await jobsPage(sess.api, 1, limit, s.connectivity.isOnline() ? undefined : AbortSignal.timeout(3000));
          list = page.items.map((j) => {
            const t = tracked.get(j.id);
            return {
              jobId: j.id,
              name: displayName(j.name),
              status: j.status,
              outcome: t && t.status === j.status ? t.outcome : outcomeOfStatus(j.status),
              dateInserted: j.dateInserted,
              followed: !!t,
              submissionId: t?.submissionId ?? null,
              templateId: t?.templateId ?? null,
            };
          });
          if (tag) list = await records.byTag(accountId, sess.api, list, tag);
        } catch (e) {
          if (tag) throw e; // tags live on the platform: no filtered list without it
          // Offline: what Courier already knows.
          error = e instanceof CourierError ? e.message : 'The job list could not be read.';
          list = [...tracked.values()].slice(0, limit).map(trackedSummary);
        }
        const dayAgo = Date.now() - 24 * 3600_000;
        const subs = jobs.store
          .list({ limit: 500 })
          .filter((x) => x.accountId === accountId && x.state !== 'submitted' && (!['failed', 'cancelled'].includes(x.state) || x.updatedAt > dayAgo));
        const monthCost = monthCostView([...tracked.values()], jobs.catalog.cached(accountId));
        return {
          jobs: list,
          outbox: outboxViews(subs.reverse(), !s.connectivity.isOnline()),
          online: s.connectivity.isOnline(),
          ...(error ? { error } : {}),
          monthCost,
        };
      },
      async get({ jobId }) {
        const sess = await session();
        const t = jobs.tracked.get(sess.account.id, jobId);
        const sub = jobs.store.byJob(jobId);
        const outbox = sub ? jobs.entry(sub) : null;
        try {
          const [raw, detail] = await Promise.all([sess.api.jobStatuses(jobId), sess.api.getJob(jobId)]);
          const history = toHistory(raw);
          const status = history[0]?.status ?? '';
          const outputFiles = status === 'Executing' || isTerminal(status) ? await sess.api.jobFiles(jobId).catch(() => []) : [];
          const hw = hardwareOfRecord(detail) ?? t?.options.hardware;
          // The cache when fresh; asked for once when missing, so a first look has its prices.
          const catalog = hw ? await jobs.catalog.get(sess.account.id, sess.api).catch(() => jobs.catalog.cached(sess.account.id)) : null;
          return {
            ...(hw ? { cost: jobCostView(hw, catalog, history) } : {}),
            jobId,
            name: displayName(detail.name),
            status,
            outcome: outcomeOf(history),
            dateInserted: detail.dateInserted,
            followed: !!t,
            submissionId: t?.submissionId ?? sub?.id ?? null,
            templateId: t?.templateId ?? sub?.templateId ?? null,
            history,
            outputs: t ? jobChangedView(t).outputs : { state: 'none' as const, dir: null, files: 0 },
            inputs: inputFiles.parse(detail.jobanalyses ?? []).flatMap((a) => (a.inputFiles ?? []).map((f) => ({ id: f.id, name: f.name ?? f.id }))),
            outputFiles: outputFiles.map((f) => ({ id: f.id, name: f.name, relativePath: f.relativePath ?? f.name, size: f.decryptedSize })),
            outbox,
          };
        } catch (e) {
          if (!t || !(e instanceof CourierError) || e.code !== 'offline') throw e;
          const hw = t.options.hardware;
          return {
            ...jobChangedView(t),
            inputs: [],
            outputFiles: [],
            outbox,
            ...(hw ? { cost: jobCostView(hw, jobs.catalog.cached(sess.account.id), t.history) } : {}),
          };
        }
      },
      async follow({ jobId, outputFilters }) {
        const sess = await session();
        const [raw, detail] = await Promise.all([sess.api.jobStatuses(jobId), sess.api.getJob(jobId)]);
        const history = toHistory(raw);
        const status = history[0]?.status ?? '';
        const filters = outputFilters ?? [];
        const existing = jobs.tracked.get(sess.account.id, jobId);
        const hardware = existing?.options.hardware ?? hardwareOfRecord(detail) ?? undefined;
        const options =
          existing && !outputFilters
            ? existing.options
            : { outputFilters: filters, autoDownload: filters.length > 0, outputFolder: '', notify: 'all' as const };
        jobs.tracked.upsert({
          jobId,
          accountId: sess.account.id,
          name: detail.name,
          source: existing?.source ?? 'followed',
          submissionId: existing?.submissionId ?? null,
          templateId: existing?.templateId ?? null,
          options: { ...options, ...(hardware ? { hardware } : {}) },
        });
        const terminal = isTerminal(status);
        const saved = jobs.tracked.setStatus(sess.account.id, jobId, {
          status,
          history,
          outcome: outcomeOf(history),
          terminal,
          ...(terminal && filters.length ? { outputsState: 'pending' } : {}),
        });
        if (!saved) throw new CourierError('internal', 'The job could not be recorded.');
        if (terminal) {
          jobs.tracked.claimNotification(sess.account.id, jobId); // it ended before you followed it: no announcement
          if (filters.length)
            void jobs.outputs
              .fetchFor(saved)
              .catch((e: unknown) =>
                s.activity.say('warn', 'jobs', { key: 'outputsFailed', params: { jobId, reason: (e as Error).message } }, { kind: 'job', id: jobId }),
              );
        } else jobs.poller.track(saved);
        s.activity.say('info', 'jobs', { key: 'following', params: { jobId, name: displayName(detail.name) } }, { kind: 'job', id: jobId });
        jobs.counts();
        return jobChangedView(saved);
      },
      async stop({ jobId }) {
        const sess = await session();
        await sess.api.stopJob(jobId);
        s.activity.say('info', 'jobs', { key: 'stopAsked', params: { jobId } }, { kind: 'job', id: jobId });
        const t = jobs.tracked.get(sess.account.id, jobId);
        if (t && !t.terminal) jobs.poller.track(t, Date.now() + 1000);
        return { stopping: true };
      },
      async cancelQueued({ id }) {
        const sub = submission(id);
        const sess = await s.accounts.session(sub.accountId).catch(() => null);
        if (sub.state === 'failed' && sub.jobId && sess) {
          // A created, never-submitted job: remove it from the platform too.
          await sess.api.deleteJob(sub.jobId).catch(() => undefined);
        }
        if (!jobs.store.userUpdate(id, { state: 'cancelled', waiting: null }, ['queued', 'uploading', 'failed'])) throw notEditable(submission(id));
        for (const i of sub.inputs) if (i.transferId && !i.fileId) await jobs.d.transfers.cancel(sub.accountId, i.transferId).catch(() => undefined);
        const next = submission(id);
        s.activity.say('info', 'jobs', { key: 'queuedCancelled', params: { jobName: next.jobName } });
        jobs.submissionChanged(next);
        return jobs.entry(next);
      },
      async editQueued({ id, inputs, values, name }) {
        const sub = submission(id);
        const sess = await s.accounts.session(sub.accountId);
        const { sub: next, dropped } = await editQueued(
          jobs.store,
          sub,
          { ...(inputs ? { inputs } : {}), ...(values ? { values } : {}), ...(name ? { name } : {}) },
          { accountId: sub.accountId, api: sess.api, catalog: jobs.catalog.cached(sub.accountId) },
        );
        for (const t of dropped) await jobs.d.transfers.cancel(sub.accountId, t).catch(() => undefined);
        jobs.submissionChanged(next);
        jobs.outbox.poke();
        return jobs.entry(next);
      },
      async retryQueued({ id }) {
        const next = retryFailed(jobs.store, submission(id));
        jobs.submissionChanged(next);
        jobs.outbox.poke();
        return jobs.entry(next);
      },
      async downloadOutputs({ jobId, filter }) {
        const sess = await session();
        const t = jobs.tracked.get(sess.account.id, jobId);
        return jobs.outputs.onDemand(sess.account.id, jobId, filter, t?.options.outputFolder || undefined);
      },
      async tailLog({ jobId, lines }) {
        const sess = await session();
        return tailLog({
          api: sess.api,
          accountId: sess.account.id,
          jobId,
          lines,
          transfers: jobs.d.transfers,
          cacheDir: join(s.ports.dataDir, 'cache', 'logs'),
        });
      },
      ...records.handlers,
      ...liveHandlers(s),
    },
  };
}
