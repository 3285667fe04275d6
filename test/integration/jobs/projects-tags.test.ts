// Projects and job tags against the sandbox: the project list read item by item, a template's
// projectId reaching the platform on create, tags added and removed on the platform, and the
// job list filtered by tag.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { jobsEnv, outboxFinal, rest, type JobsEnv } from '../../support/jobs-env';

describe('projects and tags', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
  });
  afterAll(async () => env?.close());

  test('the projects of the account, every page, a bad record left out', async () => {
    const r = await env.call('jobs', 'projects', {});
    expect(r).toEqual({
      available: true,
      projects: [
        { id: 'pRjCfd01', name: 'Wing CFD study' },
        { id: 'pRjMl002', name: 'ML training' },
        { id: 'pRjQa003', name: 'Quality assurance' },
      ],
    });
    // Two pages, the first with a record whose id is no Rescale id: that record only is left out.
    // The second page is the sandbox's own (page_size 2: its third project).
    const url = (page: number) => `${env.sb.apiUrl}/api/v2/users/me/projects/?page=${page}&page_size=2`;
    env.sb.addFault({
      method: 'GET',
      path: '/api/v2/users/me/projects/',
      status: 200,
      times: 1,
      body: {
        count: 3,
        next: url(2),
        previous: null,
        results: [
          { id: 'a/b', name: 'hostile' },
          { id: 7, name: 'Numbered' },
        ],
      },
    });
    const paged = await env.call('jobs', 'projects', {});
    expect(paged).toEqual({
      available: true,
      projects: [
        { id: '7', name: 'Numbered' },
        { id: 'pRjQa003', name: 'Quality assurance' },
      ],
    });
  });

  test('no projects on the platform: not available, the form falls back to free text', async () => {
    env.sb.addFault({ method: 'GET', path: '/api/v2/users/me/projects/', status: 200, times: 1, body: { count: 0, next: null, previous: null, results: [] } });
    expect(await env.call('jobs', 'projects', {})).toEqual({ available: false, projects: [] });
    env.sb.addFault({ method: 'GET', path: '/api/v2/users/me/projects/', status: 404, times: 5 });
    const r = await env.call('jobs', 'projects', {});
    expect(r.available).toBe(false);
    expect(r.error).toMatch(/projects/);
  });

  test("a template's project is sent on create and recorded by the platform", async () => {
    const saved = await env.call('templates', 'save', {
      template: {
        name: 'Charged',
        jobName: 'charged job',
        analysis: { code: 'user_included', version: '0' },
        hardware: { coreType: 'emerald', coresPerSlot: 1 },
        command: 'true',
        projectId: 'pRjMl002',
      },
    });
    const entry = await env.call('jobs', 'launch', { templateId: saved.template.id });
    const done = await outboxFinal(env, entry.id);
    expect(done.state).toBe('submitted');
    const detail = await rest<{ projectId: string | null }>(env.sb, 'GET', `/api/v3/jobs/${done.jobId}/`);
    expect(detail.projectId).toBe('pRjMl002');
    // A launch may pick another project, or none, over the template's.
    for (const [projectId, recorded] of [
      ['pRjQa003', 'pRjQa003'],
      ['', null],
    ] as const) {
      const e = await outboxFinal(env, (await env.call('jobs', 'launch', { templateId: saved.template.id, projectId })).id);
      expect((await rest<{ projectId: string | null }>(env.sb, 'GET', `/api/v3/jobs/${e.jobId}/`)).projectId).toBe(recorded);
    }
    // A project the account does not have is refused by the platform, naming the field.
    const bad = await env.call('templates', 'save', { template: { ...saved.template, id: undefined, name: 'Bad project', projectId: 'nope' } });
    const failed = await outboxFinal(env, (await env.call('jobs', 'launch', { templateId: bad.template.id })).id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/project_id.*nope/);
  });

  test('tags: add, remove, and the job list filtered by tag', async () => {
    const mk = (name: string) =>
      rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
        name,
        jobanalyses: [{ analysis: { code: 'user_included', version: '0' }, command: 'true', hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
      });
    const [a, b] = [await mk('tagged one'), await mk('tagged two')];
    expect(await env.call('jobs', 'setTags', { jobId: a.id, add: ['baseline', 'mesh-3'] })).toEqual({ tags: ['baseline', 'mesh-3'] });
    expect(await env.call('jobs', 'setTags', { jobId: b.id, add: ['Baseline'] })).toEqual({ tags: ['Baseline'] });
    // On the platform, in its shape.
    expect(await rest(env.sb, 'GET', `/api/v3/jobs/${a.id}/tags/`)).toEqual([
      { name: 'baseline', normalizedName: 'baseline' },
      { name: 'mesh-3', normalizedName: 'mesh-3' },
    ]);
    const filtered = await env.call('jobs', 'list', { tag: 'baseline' });
    expect(filtered.jobs.map((j) => j.jobId).sort()).toEqual([a.id, b.id].sort());
    expect(filtered.jobs.find((j) => j.jobId === a.id)?.tags).toEqual(['baseline', 'mesh-3']);
    expect((await env.call('jobs', 'list', { tag: 'mesh-3' })).jobs.map((j) => j.jobId)).toEqual([a.id]);
    expect(await env.call('jobs', 'setTags', { jobId: a.id, remove: ['mesh-3'] })).toEqual({ tags: ['baseline'] });
    expect((await env.call('jobs', 'list', { tag: 'mesh-3' })).jobs).toEqual([]);
    expect(await env.call('jobs', 'tags', { jobId: a.id })).toEqual({ tags: ['baseline'] });
    await expect(env.call('jobs', 'setTags', { jobId: a.id, add: ['  '] })).rejects.toThrow(/a tag cannot be empty/);
  });
});
