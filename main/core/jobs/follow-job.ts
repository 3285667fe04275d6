// Following a job submitted elsewhere (the web UI, another tool) and asking a job to stop: the
// tracked row is written first, then the poller watches it, or, when it has already ended, its
// outputs are fetched without an announcement.
import { CourierError } from '../../../shared/errors';
import { displayName } from '../notify/messages';
import { hardwareOfRecord } from './cost-view';
import type { JobsIn, JobsOut } from './request-types';
import type { JobsService } from './service';
import { isTerminal, outcomeOf, toHistory } from './status';
import { jobChangedView } from './views';

export async function followJob(jobs: JobsService, { jobId, outputFilters }: JobsIn<'follow'>): Promise<JobsOut<'follow'>> {
  const { d, tracked } = jobs;
  const sess = await d.accounts.session();
  const [raw, detail] = await Promise.all([sess.api.jobStatuses(jobId), sess.api.getJob(jobId)]);
  const history = toHistory(raw);
  const status = history[0]?.status ?? '';
  const filters = outputFilters ?? [];
  const existing = tracked.get(sess.account.id, jobId);
  const hardware = existing?.options.hardware ?? hardwareOfRecord(detail) ?? undefined;
  const options =
    existing && !outputFilters ? existing.options : { outputFilters: filters, autoDownload: filters.length > 0, outputFolder: '', notify: 'all' as const };
  tracked.upsert({
    jobId,
    accountId: sess.account.id,
    name: detail.name,
    source: existing?.source ?? 'followed',
    submissionId: existing?.submissionId ?? null,
    templateId: existing?.templateId ?? null,
    options: { ...options, ...(hardware ? { hardware } : {}) },
  });
  const terminal = isTerminal(status);
  const saved = tracked.setStatus(sess.account.id, jobId, {
    status,
    history,
    outcome: outcomeOf(history),
    terminal,
    ...(terminal && filters.length ? { outputsState: 'pending' } : {}),
  });
  if (!saved) throw new CourierError('internal', 'The job could not be recorded.');
  if (terminal) {
    tracked.claimNotification(sess.account.id, jobId); // it ended before you followed it: no announcement
    if (filters.length)
      void jobs.outputs
        .fetchFor(saved)
        .catch((e: unknown) =>
          d.activity.say('warn', 'jobs', { key: 'outputsFailed', params: { jobId, reason: (e as Error).message } }, { kind: 'job', id: jobId }),
        );
  } else jobs.poller.track(saved);
  d.activity.say('info', 'jobs', { key: 'following', params: { jobId, name: displayName(detail.name) } }, { kind: 'job', id: jobId });
  jobs.counts();
  return jobChangedView(saved);
}

/** Asks the platform to stop the job; a watched job is polled again soon to see it stop. */
export async function stopJob(jobs: JobsService, jobId: string): Promise<JobsOut<'stop'>> {
  const sess = await jobs.d.accounts.session();
  await sess.api.stopJob(jobId);
  jobs.d.activity.say('info', 'jobs', { key: 'stopAsked', params: { jobId } }, { kind: 'job', id: jobId });
  const t = jobs.tracked.get(sess.account.id, jobId);
  if (t && !t.terminal) jobs.poller.track(t, Date.now() + 1000);
  return { stopping: true };
}
