// Requests about any platform job's record: as a template, run again (through the outbox, so
// exactly once), saved as a template; the account's projects; job tags and the tag filter.
import type { CourierHandlers } from '../../../shared/contract';
import type { RerunEdits } from '../../../shared/contract/job-records';
import { CourierError } from '../../../shared/errors';
import { jobTemplate, type JobSummary, type TemplateDraft } from '../../../shared/jobs';
import type { CoreServices } from '../courier';
import { draftFromRecord, draftIssues, type RecordDraft } from '../jobs/from-record';
import { enqueueLaunch } from '../jobs/launch';
import { catalogIssues, issuesSentence } from '../jobs/validate';
import type { RescaleApi } from '../rescale/api';
import { addJobTag, jobTags, listProjects, removeJobTag } from '../rescale/projects-tags';
import type { CallContext } from '../rpc/router';

type JobsHandlers = CourierHandlers<CallContext>['jobs'];
type RecordHandlers = Pick<JobsHandlers, 'toTemplate' | 'rerun' | 'projects' | 'tags' | 'setTags'>;

function applyEdits(d: TemplateDraft, e: RerunEdits | undefined): TemplateDraft {
  if (!e) return d;
  const { projectId: _p, ...rest } = d;
  const project = e.projectId === undefined ? d.projectId : e.projectId || undefined;
  return {
    ...rest,
    ...(e.command !== undefined ? { command: e.command } : {}),
    ...(e.lowPriority !== undefined ? { lowPriority: e.lowPriority } : {}),
    hardware: {
      ...d.hardware,
      ...(e.coreType !== undefined ? { coreType: e.coreType } : {}),
      ...(e.coresPerSlot !== undefined ? { coresPerSlot: e.coresPerSlot } : {}),
      ...(e.slots !== undefined ? { slots: e.slots } : {}),
      ...(e.walltimeHours !== undefined ? { walltimeHours: e.walltimeHours } : {}),
    },
    ...(project ? { projectId: project } : {}),
  };
}

/**
 * Tags read lately, per account and job: the tags endpoint is in the platform's strictest rate
 * scope (v3, about 2 requests a second), so a filtered list asks again only after a minute.
 */
class TagCache {
  private readonly seen = new Map<string, { tags: string[]; at: number }>();
  constructor(private readonly ttlMs = 60_000) {}
  get(accountId: string, jobId: string): string[] | undefined {
    const e = this.seen.get(`${accountId}/${jobId}`);
    return e && Date.now() - e.at < this.ttlMs ? e.tags : undefined;
  }
  set(accountId: string, jobId: string, tags: string[]): string[] {
    if (this.seen.size > 5000) this.seen.clear();
    this.seen.set(`${accountId}/${jobId}`, { tags, at: Date.now() });
    return tags;
  }
}

export function jobRecordServices(s: CoreServices) {
  const jobs = s.jobs;
  const tagCache = new TagCache();
  /** The job's record as a draft, checked against the catalog (fetched when the cache is missing or old). */
  const recordDraft = async (jobId: string, name?: string): Promise<RecordDraft & { accountId: string; api: RescaleApi }> => {
    const sess = await s.accounts.session();
    const [rec, catalog] = await Promise.all([sess.api.getJob(jobId), jobs.catalog.get(sess.account.id, sess.api)]);
    return { ...draftFromRecord(rec, catalog, name ? { name } : {}), accountId: sess.account.id, api: sess.api };
  };

  const handlers: RecordHandlers = {
    async toTemplate({ jobId }) {
      const { draft, issues, notes } = await recordDraft(jobId);
      return { draft, issues, notes };
    },
    async rerun({ jobId, name, inputs, edits, outputFolder }) {
      const r = await recordDraft(jobId);
      const draft = applyEdits({ ...r.draft, ...(inputs ? { inputs: [] } : {}) }, edits);
      const issues = draftIssues(draft, jobs.catalog.cached(r.accountId));
      if (issues.length)
        throw new CourierError('invalid_input', `Job ${jobId} cannot run again as it is: ${issuesSentence(issues)}`, { field: issues[0]?.field ?? 'edits' });
      // A one-off template, never saved: the submission keeps this snapshot, like any launch.
      const template = jobTemplate.parse({
        ...draft,
        id: `job-${jobId.toLowerCase()}`,
        name: `Job ${jobId}`,
        ...(outputFolder ? { outputs: { folder: outputFolder } } : {}),
      });
      const sub = await enqueueLaunch(
        jobs.store,
        { template, inputs: inputs ?? [], values: {}, ...(name ? { name } : {}) },
        { accountId: r.accountId, api: r.api, catalog: jobs.catalog.cached(r.accountId) },
      );
      s.activity.say('info', 'jobs', {
        key: s.connectivity.isOnline() ? 'jobQueued' : 'jobQueuedOffline',
        params: { jobName: sub.jobName, template: template.name },
      });
      jobs.submissionChanged(sub);
      jobs.outbox.poke();
      return jobs.entry(sub);
    },
    async projects() {
      const sess = await s.accounts.session();
      try {
        const { projects } = await listProjects(sess.api);
        return { available: projects.length > 0, projects };
      } catch (e) {
        return { available: false, projects: [], error: e instanceof CourierError ? e.message : 'The projects could not be read.' };
      }
    },
    async tags({ jobId }) {
      const sess = await s.accounts.session();
      return { tags: tagCache.set(sess.account.id, jobId, await jobTags(sess.api, jobId)) };
    },
    async setTags({ jobId, add, remove }) {
      const sess = await s.accounts.session();
      for (const t of remove) await removeJobTag(sess.api, jobId, t);
      for (const t of add) await addJobTag(sess.api, jobId, t);
      return { tags: tagCache.set(sess.account.id, jobId, await jobTags(sess.api, jobId)) };
    },
  };

  /** `templates.fromJob`: the draft must fit the catalog before it is saved. */
  const fromJob = async ({ jobId, name }: { jobId: string; name?: string | undefined }) => {
    const { draft, issues } = await recordDraft(jobId, name);
    if (issues.length)
      throw new CourierError('invalid_input', `Job ${jobId} does not make a valid template: ${issuesSentence(issues)}`, {
        field: issues[0]?.field ?? 'template',
      });
    const template = await jobs.templates.save(draft);
    const catalog = jobs.catalog.cached(s.accounts.activeId() ?? '');
    return { template, builtIn: false, issues: catalog ? catalogIssues(template, catalog) : [] };
  };

  const byTag = (accountId: string, api: RescaleApi, list: JobSummary[], tag: string) =>
    filterByTag(list, tag, async (jobId) => tagCache.get(accountId, jobId) ?? tagCache.set(accountId, jobId, await jobTags(api, jobId)));
  return { handlers, fromJob, byTag };
}

const TAG_READS_AT_ONCE = 4;

/** Keeps the jobs that carry `tag` (compared as the platform normalises: trimmed, any case); each gets its tags. */
async function filterByTag(list: JobSummary[], tag: string, tagsOf: (jobId: string) => Promise<string[]>): Promise<JobSummary[]> {
  const want = tag.trim().toLowerCase();
  const out: (JobSummary | null)[] = new Array<JobSummary | null>(list.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const i = next++;
      const j = list[i]!;
      const tags = await tagsOf(j.jobId);
      if (tags.some((t) => t.trim().toLowerCase() === want)) out[i] = { ...j, tags };
    }
  };
  await Promise.all(Array.from({ length: Math.min(TAG_READS_AT_ONCE, list.length) }, worker));
  return out.filter((j): j is JobSummary => j !== null);
}
