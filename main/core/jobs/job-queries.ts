// The jobs list and a job's detail: the platform's answer merged with what Courier tracks and
// what is still in the outbox; offline, what Courier already knows.
import * as z from 'zod';
import { CourierError } from '../../../shared/errors';
import type { JobSummary } from '../../../shared/jobs';
import { displayName } from '../notify/messages';
import type { Session } from '../accounts/service';
import { hardwareOfRecord, jobCostView, monthCostView } from './cost-view';
import { jobsPage } from './jobs-list';
import type { JobsIn, JobsOut } from './request-types';
import type { JobsService } from './service';
import { isTerminal, outcomeOf, outcomeOfStatus, toHistory } from './status';
import type { TrackedJob } from './tracked-store';
import { jobChangedView, outboxViews, trackedSummary } from './views';

const inputFiles = z.array(z.looseObject({ inputFiles: z.array(z.looseObject({ id: z.string(), name: z.string().nullish() })).nullish() })).catch([]);

type Tracked = Map<string, TrackedJob>;

/** The platform's recent jobs, marked with what Courier tracks; offline (no tag asked for), the tracked ones. */
async function platformJobs(jobs: JobsService, sess: Session, tracked: Tracked, { limit, tag }: JobsIn<'list'>) {
  const online = jobs.d.connectivity.isOnline();
  try {
    // Offline, answer from what Courier knows rather than after the client's retries.
    const page = await jobsPage(sess.api, 1, limit, online ? undefined : AbortSignal.timeout(3000));
    const list = page.items.map((j): JobSummary => {
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
    return { list: tag ? await jobs.records.byTag(sess.account.id, sess.api, list, tag) : list };
  } catch (e) {
    if (tag) throw e; // tags live on the platform: no filtered list without it
    // Offline: what Courier already knows.
    const error = e instanceof CourierError ? e.message : 'The job list could not be read.';
    return { list: [...tracked.values()].slice(0, limit).map(trackedSummary), error };
  }
}

export async function listJobs(jobs: JobsService, req: JobsIn<'list'>): Promise<JobsOut<'list'>> {
  const sess = await jobs.d.accounts.session();
  const accountId = sess.account.id;
  const tracked: Tracked = new Map(jobs.tracked.all(accountId, 1000).map((t) => [t.jobId, t]));
  const { list, error } = await platformJobs(jobs, sess, tracked, req);
  const dayAgo = Date.now() - 24 * 3600_000;
  const subs = jobs.store.forJobsList(accountId, dayAgo);
  const monthCost = monthCostView([...tracked.values()], jobs.catalog.cached(accountId));
  return {
    jobs: list,
    outbox: outboxViews(subs.reverse(), !jobs.d.connectivity.isOnline()),
    online: jobs.d.connectivity.isOnline(),
    ...(error ? { error } : {}),
    monthCost,
    summary: jobs.badge(),
  };
}

export async function jobDetail(jobs: JobsService, jobId: string): Promise<JobsOut<'get'>> {
  const sess = await jobs.d.accounts.session();
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
    // Offline: the job as Courier last saw it.
    const hw = t.options.hardware;
    return {
      ...jobChangedView(t),
      inputs: [],
      outputFiles: [],
      outbox,
      ...(hw ? { cost: jobCostView(hw, jobs.catalog.cached(sess.account.id), t.history) } : {}),
    };
  }
}
