// Any platform job run again or saved as a template: a job made straight through the sandbox's
// API (v3, coreType as an object, platform file inputs), not by Courier, is read back, run again
// through the outbox exactly once with the same inputs by id (nothing uploaded), and saved as a
// template. Records that do not say what a run needs are refused, naming what is missing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CREATE, jobsEnv, outboxFinal, platformJobs, rest, served, SUBMIT, type JobsEnv } from '../../support/jobs-env';

interface Detail {
  name: string;
  projectId?: string | null;
  isLowPriority: boolean;
  jobanalyses: {
    command: string;
    analysis: { code: string; version: string };
    hardware: { coreType: unknown; coresPerSlot: number; slots: number; walltime: number | null };
    inputFiles: { id: string }[];
    envVars: Record<string, string>;
  }[];
}

async function uploadDirect(env: JobsEnv, name: string, text: string): Promise<string> {
  const form = new FormData();
  form.append('file', new Blob([text]), name);
  const res = await fetch(`${env.sb.apiUrl}/api/v2/files/contents/`, { method: 'POST', headers: { Authorization: `Token ${env.sb.token}` }, body: form });
  if (!res.ok) throw new Error(`upload ${name} → ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

const codeOf = (ct: unknown): unknown => (typeof ct === 'string' ? ct : (ct as { code?: unknown }).code);
/** Every way a file reaches the platform, counted at the sandbox (downloads of outputs do not count). */
const UPLOAD_OPS = ['PutObject', 'UploadPart', 'CreateMultipartUpload', 'PutBlock', 'PutBlob', 'PutBlockList'];
const uploads = (env: JobsEnv): number => {
  const s = env.sb.stats();
  const ops = UPLOAD_OPS.reduce((n, op) => n + (s.s3[op] ?? 0) + (s.azure[op] ?? 0), 0);
  return ops + (s.api['POST /api/v3/files/'] ?? 0) + (s.api['POST /api/v2/files/contents/'] ?? 0);
};

describe('run again / save as template for a job Courier did not launch', () => {
  let env: JobsEnv;
  let jobId: string;
  let fileIds: string[];
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
    fileIds = [await uploadDirect(env, 'mesh.dat', 'mesh\n'), await uploadDirect(env, 'run.sh', '#!/bin/sh\necho hi\n')];
    const job = await rest<{ id: string }>(env.sb, 'POST', '/api/v3/jobs/', {
      name: 'wing sweep {draft}',
      isLowPriority: false,
      projectId: 'pRjCfd01',
      jobanalyses: [
        {
          analysis: { code: 'openfoam', version: await openfoamVersion(env) },
          command: 'sh run.sh && echo ${HOME} {literal}',
          hardware: { coreType: { code: 'nickel' }, coresPerSlot: 4, slots: 2, walltime: 12 },
          inputFiles: fileIds.map((id) => ({ id, decompress: false })),
          envVars: { OMP_NUM_THREADS: '4' },
        },
      ],
    });
    jobId = job.id;
  });
  afterAll(async () => env?.close());

  test('toTemplate reads the record into a draft that validates against the catalog', async () => {
    const r = await env.call('jobs', 'toTemplate', { jobId });
    expect(r.issues).toEqual([]);
    expect(r.draft).toMatchObject({
      jobName: 'wing sweep {{draft}}',
      command: 'sh run.sh && echo ${HOME} {{literal}}',
      analysis: { code: 'openfoam' },
      hardware: { coreType: 'nickel', coresPerSlot: 4, slots: 2, walltimeHours: 12 },
      inputs: [
        { kind: 'file', id: fileIds[0], name: 'mesh.dat' },
        { kind: 'file', id: fileIds[1], name: 'run.sh' },
      ],
      env: { OMP_NUM_THREADS: '4' },
      projectId: 'pRjCfd01',
      lowPriority: false,
    });
    const check = await env.call('templates', 'validate', { template: { ...r.draft, id: 'probe' } });
    expect(check).toMatchObject({ ok: true, issues: [] });
  });

  test('rerun creates exactly one job with the same software, hardware, command, project and input ids — nothing uploaded', async () => {
    const before = { create: served(env.sb, CREATE), submit: served(env.sb, SUBMIT), uploads: uploads(env) };
    const entry = await env.call('jobs', 'rerun', { jobId });
    expect(entry.inputs.map((i) => i.fileId)).toEqual(fileIds);
    const done = await outboxFinal(env, entry.id);
    expect(done.state).toBe('submitted');
    expect(served(env.sb, CREATE) - before.create).toBe(1);
    expect(served(env.sb, SUBMIT) - before.submit).toBe(1);
    expect(uploads(env)).toBe(before.uploads);
    const [orig, again] = await Promise.all([
      rest<Detail>(env.sb, 'GET', `/api/v3/jobs/${jobId}/`),
      rest<Detail>(env.sb, 'GET', `/api/v3/jobs/${done.jobId}/`),
    ]);
    const a = orig.jobanalyses[0]!;
    const b = again.jobanalyses[0]!;
    expect(b.command).toBe(a.command);
    expect(b.analysis).toMatchObject({ code: a.analysis.code, version: a.analysis.version });
    expect(codeOf(b.hardware.coreType)).toBe('nickel');
    expect(b.hardware).toMatchObject({ coresPerSlot: 4, slots: 2, walltime: 12 });
    expect(b.inputFiles.map((f) => f.id)).toEqual(fileIds);
    expect(b.envVars).toEqual({ OMP_NUM_THREADS: '4' });
    expect(again.projectId).toBe('pRjCfd01');
    expect(again.name).toMatch(/^wing sweep \{draft\} \[cr-[a-z0-9]+\]$/);
  });

  test('a lost create response and a failed submit: still exactly one new job', async () => {
    const jobsBefore = (await platformJobs(env.sb)).length;
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 502, applyEffect: true, times: 1 });
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 503, times: 1 });
    const entry = await env.call('jobs', 'rerun', { jobId });
    const done = await outboxFinal(env, entry.id);
    expect(done.state).toBe('submitted');
    const after = await platformJobs(env.sb);
    expect(after.length - jobsBefore).toBe(1);
    expect(after.filter((j) => j.id === done.jobId)).toHaveLength(1);
  });

  test('rerun with edits changes only what is asked', async () => {
    const entry = await env.call('jobs', 'rerun', { jobId, name: 'wing 2', edits: { coresPerSlot: 8, projectId: 'pRjQa003' } });
    const done = await outboxFinal(env, entry.id);
    const again = await rest<Detail>(env.sb, 'GET', `/api/v3/jobs/${done.jobId}/`);
    expect(again.jobanalyses[0]!.hardware).toMatchObject({ coresPerSlot: 8, slots: 2 });
    expect(again.projectId).toBe('pRjQa003');
    expect(again.name).toMatch(/^wing 2 \[cr-/);
  });

  test('an edit the catalog refuses is named before anything is queued', async () => {
    const create = served(env.sb, CREATE);
    await expect(env.call('jobs', 'rerun', { jobId, edits: { coresPerSlot: 3 } })).rejects.toThrow(/hardware\.coresPerSlot: .*3/);
    expect(served(env.sb, CREATE)).toBe(create);
  });

  test('save as template: a saved template with the inputs by id, launchable', async () => {
    const e = await env.call('templates', 'fromJob', { jobId, name: 'Wing from the platform' });
    expect(e.template).toMatchObject({
      name: 'Wing from the platform',
      hardware: { coreType: 'nickel', coresPerSlot: 4 },
      inputs: [{ id: fileIds[0] }, { id: fileIds[1] }],
    });
    expect(e.issues).toEqual([]);
    const listed = await env.call('templates', 'list', {});
    expect(listed.templates.some((t) => t.template.id === e.template.id)).toBe(true);
    const uploadsBefore = uploads(env);
    const launched = await outboxFinal(env, (await env.call('jobs', 'launch', { templateId: e.template.id })).id);
    expect(launched.state).toBe('submitted');
    expect((await rest<Detail>(env.sb, 'GET', `/api/v3/jobs/${launched.jobId}/`)).jobanalyses[0]!.inputFiles.map((f) => f.id)).toEqual(fileIds);
    expect(uploads(env)).toBe(uploadsBefore);
  });

  test('a record without hardware or with software the catalog lacks is refused, naming what is missing', async () => {
    const noHw = await rest<{ id: string }>(env.sb, 'POST', '/api/v3/jobs/', {
      name: 'no hardware',
      jobanalyses: [{ analysis: { code: 'user_included', version: '0' }, command: 'true', hardware: { coreType: { code: 'emerald' } } }],
    });
    // The sandbox fills what a body leaves out; strip the hardware the way an unreadable record would arrive.
    env.sb.addFault({
      method: 'GET',
      path: `/api/v2/jobs/${noHw.id}/`,
      status: 200,
      body: { id: noHw.id, name: 'no hardware', jobanalyses: [{ analysis: { code: 'user_included', version: '0' }, command: 'true' }] },
      times: 1,
    });
    await expect(env.call('jobs', 'toTemplate', { jobId: noHw.id })).rejects.toThrow(
      /cannot be run again from its record: it has no hardware \(jobanalyses\[0\]\.hardware is missing\)/,
    );
    env.sb.addFault({
      method: 'GET',
      path: `/api/v2/jobs/${noHw.id}/`,
      status: 200,
      body: {
        id: noHw.id,
        name: 'gone software',
        jobanalyses: [{ analysis: { code: 'fluentx', version: '1' }, command: 'true', hardware: { coreType: { code: 'emerald' }, coresPerSlot: 1 } }],
      },
      times: 1,
    });
    await expect(env.call('jobs', 'rerun', { jobId: noHw.id })).rejects.toThrow(/its software "fluentx" is not in this platform's software catalog/);
    expect(served(env.sb, CREATE)).toBeGreaterThan(0);
  });
});

async function openfoamVersion(env: JobsEnv): Promise<string> {
  const a = await rest<{ versions: { versionCode: string; allowedCoreTypes: string[] }[] }>(env.sb, 'GET', '/api/v2/analyses/openfoam/');
  const v = a.versions.find((x) => x.allowedCoreTypes.includes('nickel'));
  if (!v) throw new Error('the sandbox catalog has no openfoam version for nickel');
  return v.versionCode;
}
