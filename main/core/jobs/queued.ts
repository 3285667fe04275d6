// Launches and the submissions still in the outbox: queue one (durably, without waiting for the
// network), cancel, edit or retry it. Each change is announced (outboxChanged, the counts) and
// wakes the outbox.
import type { OutboxEntry } from '../../../shared/jobs';
import { CourierError } from '../../../shared/errors';
import { editQueued, enqueueLaunch, notEditable, retryFailed, type LaunchContext } from './launch';
import type { Submission, SubmissionSource } from './outbox-store';
import type { JobsIn } from './request-types';
import type { JobsService } from './service';

type Edits = Omit<JobsIn<'editQueued'>, 'id'>;

export class QueuedLaunches {
  constructor(private readonly jobs: JobsService) {}

  /** A launch of a saved template, with this launch's output folder and project folded into its snapshot. */
  async launch(req: JobsIn<'launch'>): Promise<OutboxEntry> {
    const saved = this.jobs.templates.get(req.templateId).template;
    // The snapshot travels with the submission, so a per-launch output folder survives restarts.
    const withFolder = req.outputFolder ? { ...saved, outputs: { ...saved.outputs, folder: req.outputFolder } } : saved;
    const { projectId: _p, ...noProject } = withFolder;
    const template = req.projectId === undefined ? withFolder : req.projectId ? { ...withFolder, projectId: req.projectId } : noProject;
    const ctx = await this.jobs.launchContext();
    return this.add({ template, inputs: req.inputs, values: req.values, ...(req.name ? { name: req.name } : {}) }, ctx);
  }

  /** Writes the submission to the outbox and says so; it goes out when the platform answers. */
  async add(src: SubmissionSource, ctx: LaunchContext): Promise<OutboxEntry> {
    const sub = await enqueueLaunch(this.jobs.store, src, ctx);
    this.jobs.d.activity.say('info', 'jobs', {
      key: this.jobs.d.connectivity.isOnline() ? 'jobQueued' : 'jobQueuedOffline',
      params: { jobName: sub.jobName, template: src.template.name },
    });
    this.jobs.submissionChanged(sub);
    this.jobs.outbox.poke();
    return this.jobs.entry(sub);
  }

  async cancel(id: string): Promise<OutboxEntry> {
    const { store, d } = this.jobs;
    const sub = this.submission(id);
    const sess = await d.accounts.session(sub.accountId).catch(() => null);
    if (sub.state === 'failed' && sub.jobId && sess) {
      // A created, never-submitted job: remove it from the platform too.
      await sess.api.deleteJob(sub.jobId).catch(() => undefined);
    }
    if (!store.userUpdate(id, { state: 'cancelled', waiting: null }, ['queued', 'uploading', 'failed'])) throw notEditable(this.submission(id));
    for (const i of sub.inputs) if (i.transferId && !i.fileId) await d.transfers.cancel(sub.accountId, i.transferId).catch(() => undefined);
    const next = this.submission(id);
    d.activity.say('info', 'jobs', { key: 'queuedCancelled', params: { jobName: next.jobName } });
    this.jobs.submissionChanged(next);
    return this.jobs.entry(next);
  }

  async edit(id: string, { inputs, values, name }: Edits): Promise<OutboxEntry> {
    const { store, d, catalog } = this.jobs;
    const sub = this.submission(id);
    const sess = await d.accounts.session(sub.accountId);
    const { sub: next, dropped } = await editQueued(
      store,
      sub,
      { ...(inputs ? { inputs } : {}), ...(values ? { values } : {}), ...(name ? { name } : {}) },
      { accountId: sub.accountId, api: sess.api, catalog: catalog.cached(sub.accountId) },
    );
    for (const t of dropped) await d.transfers.cancel(sub.accountId, t).catch(() => undefined);
    return this.changed(next);
  }

  async retry(id: string): Promise<OutboxEntry> {
    return this.changed(retryFailed(this.jobs.store, this.submission(id)));
  }

  private changed(next: Submission): OutboxEntry {
    this.jobs.submissionChanged(next);
    this.jobs.outbox.poke();
    return this.jobs.entry(next);
  }

  private submission(id: string): Submission {
    const sub = this.jobs.store.get(id);
    if (!sub) throw new CourierError('not_found', 'That submission is no longer in the outbox.', { field: 'id' });
    return sub;
  }
}
