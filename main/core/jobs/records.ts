// Requests about any platform job's record: as a template, run again (through the outbox, so
// exactly once), saved as a template; the account's projects; job tags and the tag filter.
import type { RerunEdits } from '../../../shared/contract/job-records';
import { CourierError } from '../../../shared/errors';
import { jobTemplate, type JobSummary, type OutboxEntry, type TemplateDraft } from '../../../shared/jobs';
import type { RescaleApi } from '../rescale/api';
import { addJobTag, jobTags, listProjects, removeJobTag } from '../rescale/projects-tags';
import { draftFromRecord, draftIssues, type RecordDraft } from './from-record';
import type { JobsIn, JobsOut, TemplatesOut } from './request-types';
import type { JobsService } from './service';
import { catalogIssues, issuesSentence } from './validate';

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

export class JobRecords {
  private readonly tagCache = new TagCache();
  constructor(private readonly jobs: JobsService) {}

  /** The job's record as a draft, checked against the catalog (fetched when the cache is missing or old). */
  private async recordDraft(jobId: string, name?: string): Promise<RecordDraft & { accountId: string; api: RescaleApi }> {
    const sess = await this.jobs.d.accounts.session();
    const [rec, catalog] = await Promise.all([sess.api.getJob(jobId), this.jobs.catalog.get(sess.account.id, sess.api)]);
    return { ...draftFromRecord(rec, catalog, name ? { name } : {}), accountId: sess.account.id, api: sess.api };
  }

  async toTemplate(jobId: string): Promise<JobsOut<'toTemplate'>> {
    const { draft, issues, notes } = await this.recordDraft(jobId);
    return { draft, issues, notes };
  }

  async rerun({ jobId, name, inputs, edits, outputFolder }: JobsIn<'rerun'>): Promise<OutboxEntry> {
    const r = await this.recordDraft(jobId);
    const draft = applyEdits({ ...r.draft, ...(inputs ? { inputs: [] } : {}) }, edits);
    const issues = draftIssues(draft, this.jobs.catalog.cached(r.accountId));
    if (issues.length)
      throw new CourierError('invalid_input', `Job ${jobId} cannot run again as it is: ${issuesSentence(issues)}`, { field: issues[0]?.field ?? 'edits' });
    // A one-off template, never saved: the submission keeps this snapshot, like any launch.
    const template = jobTemplate.parse({
      ...draft,
      id: `job-${jobId.toLowerCase()}`,
      name: `Job ${jobId}`,
      ...(outputFolder ? { outputs: { folder: outputFolder } } : {}),
    });
    return this.jobs.queued.add(
      { template, inputs: inputs ?? [], values: {}, ...(name ? { name } : {}) },
      { accountId: r.accountId, api: r.api, catalog: this.jobs.catalog.cached(r.accountId) },
    );
  }

  async projects(): Promise<JobsOut<'projects'>> {
    const sess = await this.jobs.d.accounts.session();
    try {
      const { projects } = await listProjects(sess.api);
      return { available: projects.length > 0, projects };
    } catch (e) {
      return { available: false, projects: [], error: e instanceof CourierError ? e.message : 'The projects could not be read.' };
    }
  }

  async tags(jobId: string): Promise<JobsOut<'tags'>> {
    const sess = await this.jobs.d.accounts.session();
    return { tags: this.tagCache.set(sess.account.id, jobId, await jobTags(sess.api, jobId)) };
  }

  async setTags({ jobId, add, remove }: JobsIn<'setTags'>): Promise<JobsOut<'setTags'>> {
    const sess = await this.jobs.d.accounts.session();
    for (const t of remove) await removeJobTag(sess.api, jobId, t);
    for (const t of add) await addJobTag(sess.api, jobId, t);
    return { tags: this.tagCache.set(sess.account.id, jobId, await jobTags(sess.api, jobId)) };
  }

  /** `templates.fromJob`: the draft must fit the catalog before it is saved. */
  async fromJob(jobId: string, name?: string): Promise<TemplatesOut<'fromJob'>> {
    const { draft, issues } = await this.recordDraft(jobId, name);
    if (issues.length)
      throw new CourierError('invalid_input', `Job ${jobId} does not make a valid template: ${issuesSentence(issues)}`, {
        field: issues[0]?.field ?? 'template',
      });
    const template = await this.jobs.templates.save(draft);
    const catalog = this.jobs.catalog.cached(this.jobs.d.accounts.activeId() ?? '');
    return { template, builtIn: false, issues: catalog ? catalogIssues(template, catalog) : [] };
  }

  /** Keeps the jobs of `list` that carry `tag`, each with its tags (read lately, or asked for now). */
  byTag(accountId: string, api: RescaleApi, list: JobSummary[], tag: string): Promise<JobSummary[]> {
    const cache = this.tagCache;
    return filterByTag(list, tag, async (jobId) => cache.get(accountId, jobId) ?? cache.set(accountId, jobId, await jobTags(api, jobId)));
  }
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
