// Sweeps over the outbox, counted at the sandbox: a 20-row grid under lost answers to create and
// submit, a connection cut and a platform restart ends with exactly 20 jobs, one per row, each
// submitted once, with its row's parameters in its command; a preview sends nothing; the same
// input file named by several rows goes up once; bad tables are refused naming the column.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { JobTemplateInput } from '../../../shared/jobs';
import { jobsEnv, platformJobs, rest, served, until, type JobsEnv } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

let env: JobsEnv;
const TRAIN: JobTemplateInput = {
  ...TRAIN_SWEEP,
  command: 'python train.py --lr {lr} --seed {seed} --row {row}',
  env: { SEED: '{seed}' },
  // Columns fill the template's parameters; {row} is declared like any other.
  parameters: [{ name: 'lr', default: '0.1' }, { name: 'seed' }, { name: 'row', default: '0' }],
};

beforeAll(async () => {
  // The platform's submission budget, made 20 times faster for the client (the sandbox does not limit here).
  env = await jobsEnv({ sandbox: { jobSeconds: 1 }, ports: { rateBudgets: { 'job-submission': { ratePerSecond: 5, burst: 3 } } } });
  await env.call('templates', 'save', { template: TRAIN });
}, 60_000);
afterAll(async () => env?.close());
beforeEach(() => {
  env.sb.clearFaults();
  env.sb.resetStats();
});

/** The router's error for a request that must be refused. */
async function refusal(p: Promise<unknown>): Promise<{ code: string; field?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return (e as { rpc: { code: string; field?: string; message: string } }).rpc;
  }
  throw new Error('expected the request to be refused');
}

const changing = () => Object.entries(env.sb.stats().api).filter(([k, n]) => n > 0 && !k.startsWith('GET ') && !k.startsWith('HEAD '));

async function jobDetail(id: string) {
  return rest<{ name: string; jobanalyses: { command: string; envVars: Record<string, string> }[] }>(env.sb, 'GET', `/api/v2/jobs/${id}/`);
}
const pendings = async (id: string) =>
  (await rest<{ results: { status: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${id}/statuses/`)).results.filter((r) => r.status === 'Pending').length;

describe('a sweep of 20 rows', () => {
  test('lost answers, a cut connection and a platform restart: 20 jobs, one per row, each submitted once', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 502, times: 1, applyEffect: true });
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 502, times: 1, applyEffect: true });
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 503, times: 1 });
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', cutAfterBytes: 0, cutDirection: 'response', times: 1 });
    const { sweep, resumed } = await env.call('sweeps', 'launch', {
      templateId: 'train',
      name: 'lr-seed',
      table: { kind: 'grid', text: 'lr=0.1,0.01,0.001,0.0001 x seed=1..5' },
    });
    expect(resumed).toBe(false);
    expect(sweep.total).toBe(20);
    expect(sweep.rows.map((r) => r.row)).toEqual([...Array(20).keys()].map((i) => i + 1));

    // Halfway, the platform goes away and comes back.
    await until('8 rows submitted', async () => (await env.call('sweeps', 'get', { sweep: 'lr-seed' })).counts.submitted >= 8, 90_000);
    await env.stopSandbox();
    await until('a row to wait for the connection', async () =>
      (await env.call('sweeps', 'get', { sweep: 'lr-seed' })).rows.some((r) => r.state !== 'submitted' && r.error !== null),
    );
    await env.restartSandbox();
    // Launched again (as after a crash of the launcher): found, nothing queued twice.
    const again = await env.call('sweeps', 'launch', {
      templateId: 'train',
      name: 'lr-seed',
      table: { kind: 'grid', text: 'lr=0.1,0.01,0.001,0.0001 x seed=1..5' },
    });
    expect(again.resumed).toBe(true);
    const done = await until(
      'every row submitted',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: 'lr-seed' });
        return v.counts.submitted === 20 ? v : null;
      },
      120_000,
    );

    const ids = done.rows.map((r) => r.jobId!);
    expect(new Set(ids).size).toBe(20);
    const onPlatform = (await platformJobs(env.sb)).filter((j) => j.name.startsWith('train lr='));
    expect(onPlatform).toHaveLength(20); // no twin left behind
    // Sent in row order: the platform lists newest first.
    expect(onPlatform.map((j) => j.id).reverse()).toEqual(ids);
    for (const r of done.rows) {
      const d = await jobDetail(r.jobId!);
      expect(d.jobanalyses[0]!.command).toBe(`python train.py --lr ${r.values.lr} --seed ${r.values.seed} --row ${r.row}`);
      expect(d.jobanalyses[0]!.envVars.SEED).toBe(r.values.seed);
      expect(d.name).toMatch(new RegExp(`^train lr=${r.values.lr!.replace('.', '\\.')} seed=${r.values.seed} \\[cr-`));
      expect(await pendings(r.jobId!)).toBe(1); // submitted once
    }
    expect(done.rows[0]!.values).toMatchObject({ lr: '0.1', seed: '1' });
    expect(done.rows[19]!.values).toMatchObject({ lr: '0.0001', seed: '5' });
    const csv = await env.call('sweeps', 'exportCsv', { sweep: 'lr-seed' });
    expect(csv.csv.split('\r\n')[0]).toBe('row,lr,seed,job_name,job_id,state,status,outcome');
    expect(csv.csv.split('\r\n')[20]).toContain(`20,0.0001,5,train lr=0.0001 seed=5,${ids[19]},submitted`);
  }, 300_000);
});

describe('preview and validation', () => {
  test('a preview expands and checks every row and sends nothing that changes anything', async () => {
    const p = await env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'csv', text: 'lr,seed\n0.5,7\n"0.25",8\n' } });
    expect(p.rows.map((r) => r.command)).toEqual(['python train.py --lr 0.5 --seed 7 --row 1', 'python train.py --lr 0.25 --seed 8 --row 2']);
    expect(p.name).toMatch(/^train-[0-9a-f]{8}$/);
    expect(changing()).toEqual([]);
    expect(await env.call('sweeps', 'list', {}).then((l) => l.sweeps.map((s) => s.name))).not.toContain(p.name);
  });

  test('a column no field uses, a placeholder no column fills, a reserved name: refused naming them', async () => {
    const unused = await refusal(env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'grid', text: 'lr=1 x seed=2 x momentum=0.9' } }));
    expect(unused).toMatchObject({ field: 'columns.momentum' });
    expect(unused.message).toMatch(/"momentum" is not used/);
    const missing = await refusal(env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'grid', text: 'lr=1,2' } }));
    expect(missing).toMatchObject({ field: 'columns.seed' });
    expect(missing.message).toMatch(/\{seed\} has no default: add a column "seed"/);
    const unknown = await refusal(
      env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'grid', text: 'lr=1 x seed=2' }, inputs: ['/data/{mesh}.msh'] }),
    );
    expect(unknown).toMatchObject({ field: 'inputs.0' });
    expect(unknown.message).toMatch(/unknown placeholder \{mesh\}/);
    const reserved = await refusal(env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'csv', text: 'lr,seed,row\n1,2,3\n' } }));
    expect(reserved).toMatchObject({ field: 'columns.row' });
    const ragged = await refusal(env.call('sweeps', 'preview', { templateId: 'train', table: { kind: 'csv', text: 'lr,seed\n1,2\n3\n' } }));
    expect(ragged.message).toMatch(/CSV file cannot be read.*line 3/i);
    expect(changing()).toEqual([]);
  });

  test('a sweep named . or .. is refused: its name becomes the outputs folder', async () => {
    for (const name of ['.', '..']) {
      const r = await refusal(env.call('sweeps', 'launch', { templateId: 'train', name, table: { kind: 'grid', text: 'lr=1 x seed=1' } }));
      expect(r).toMatchObject({ field: 'name', message: expect.stringContaining('cannot be . or ..') });
    }
    expect(changing()).toEqual([]);
  });

  test('the same name with other rows is a conflict, not a second sweep', async () => {
    await env.call('sweeps', 'launch', { templateId: 'train', name: 'taken', table: { kind: 'grid', text: 'lr=1 x seed=1' } });
    const e = await refusal(env.call('sweeps', 'launch', { templateId: 'train', name: 'taken', table: { kind: 'grid', text: 'lr=2 x seed=1' } }));
    expect(e).toMatchObject({ code: 'conflict', field: 'name' });
  });
});

describe('per-row input files', () => {
  test('a path named by several rows goes up once and the rows share it', async () => {
    const a = await env.file('mesh_a.msh', 'mesh a\n');
    const b = await env.file('mesh_b.msh', 'mesh b\n');
    await env.call('templates', 'save', {
      template: { ...TRAIN, id: 'mesh', name: 'Mesh', jobName: 'mesh {seed}', command: 'solve {input} --seed {seed}', env: {}, parameters: [{ name: 'seed' }] },
    });
    const csv = `seed,mesh\n1,${a}\n2,${b}\n3,${a}\n4,mesh_b.msh\n`;
    const { sweep } = await env.call('sweeps', 'launch', {
      templateId: 'mesh',
      name: 'meshes',
      table: { kind: 'csv', text: csv },
      inputs: ['{mesh}'],
      baseDir: a.replace(/mesh_a\.msh$/, ''),
    });
    const done = await until(
      'every row submitted',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        return v.counts.submitted === 4 ? v : null;
      },
      60_000,
    );
    const inputsOf = async (jobId: string) =>
      (await rest<{ jobanalyses: { inputFiles: { id: string }[] }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/`)).jobanalyses[0]!.inputFiles.map((f) => f.id);
    const files = await Promise.all(done.rows.map((r) => inputsOf(r.jobId!)));
    expect(files[0]).toEqual(files[2]);
    expect(files[1]).toEqual(files[3]);
    expect(files[0]).not.toEqual(files[1]);
    expect(served(env.sb, 'POST /api/v3/files/')).toBe(2); // two registrations for four rows
    expect((await jobDetail(done.rows[3]!.jobId!)).jobanalyses[0]!.command).toBe('solve mesh_b.msh --seed 4');
  }, 120_000);
});

describe('stop all and retry failed', () => {
  test('a refused row fails alone, the others go on; retry failed sends it, once', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 400, body: { name: ['refused for the test'] }, times: 1 });
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'retry', table: { kind: 'grid', text: 'lr=7 x seed=1..3' } });
    const settled = await until(
      'every row out',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        return v.counts.waiting === 0 ? v : null;
      },
      60_000,
    );
    expect(settled.rows.map((r) => r.state)).toEqual(['failed', 'submitted', 'submitted']);
    expect(settled.rows[0]!.error?.message).toMatch(/refused for the test/);
    expect(await env.call('sweeps', 'retryFailed', { sweep: 'retry' })).toEqual({ retried: 1, alreadyRetried: 0 });
    const done = await until(
      'the retried row submitted',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: 'retry' });
        return v.counts.submitted === 3 ? v : null;
      },
      60_000,
    );
    expect(
      (await platformJobs(env.sb))
        .filter((j) => j.name.startsWith('train lr=7 '))
        .map((j) => j.id)
        .sort(),
    ).toEqual(done.rows.map((r) => r.jobId).sort());
  }, 120_000);

  test('stop all: rows not sent are cancelled and never reach the platform; submitted jobs are stopped', async () => {
    // Every create is held a while, so most rows are still queued when the person stops the sweep.
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', latencyMs: 400, times: 100 });
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'stopped', table: { kind: 'grid', text: 'lr=9 x seed=1..8' } });
    await until('a row submitted', async () => (await env.call('sweeps', 'get', { sweep: sweep.id })).counts.submitted >= 1, 60_000);
    const r = await env.call('sweeps', 'stopAll', { sweep: 'stopped' });
    expect(r.cancelled).toBeGreaterThan(0);
    const after = await until(
      'nothing left to send',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        return v.counts.waiting === 0 ? v : null;
      },
      60_000,
    );
    expect(after.counts.cancelled).toBe(r.cancelled);
    expect(after.counts.submitted).toBe(8 - r.cancelled);
    expect((await platformJobs(env.sb)).filter((j) => j.name.startsWith('train lr=9 '))).toHaveLength(8 - r.cancelled);
    // Jobs under way were stopped at once; a row being sent at that moment is stopped as it lands.
    expect(r.stopping + r.inFlight).toBeGreaterThan(0);
    await until('every job stopped', () => served(env.sb, 'POST /api/v2/jobs/{id}/stop/') === r.stopping + r.inFlight, 30_000);
    // Retrying a stopped sweep would start jobs only to stop them as they land: refused, nothing sent.
    const creates = served(env.sb, 'POST /api/v2/jobs/');
    expect(await refusal(env.call('sweeps', 'retryFailed', { sweep: sweep.id }))).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('was stopped'),
    });
    expect(served(env.sb, 'POST /api/v2/jobs/')).toBe(creates);
  }, 120_000);

  test('download all outputs: every ended row into <folder>/<sweep>/rescale_job_<ID>/, nothing twice; each row priced', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'courier-sweep-outs-'));
    const { sweep } = await env.call('sweeps', 'launch', {
      templateId: 'train',
      name: 'outs',
      table: { kind: 'grid', text: 'lr=0.5 x seed=7,8' },
      outputFolder: folder,
    });
    const ended = await until(
      'both rows completed',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        return v.counts.completed === 2 ? v : null;
      },
      90_000,
    );
    // Priced with the sandbox's catalog: the core type's price × 1 core, final once the job ended.
    const price = (await rest<{ results: { code: string; price: number }[] }>(env.sb, 'GET', '/api/v2/coretypes/')).results.find(
      (c) => c.code === 'emerald',
    )?.price;
    for (const r of ended.rows) {
      expect(r.cost?.hourly).toBe(price);
      expect(r.cost?.endedAt).not.toBeNull();
      expect(r.cost?.soFar).toBeGreaterThanOrEqual(0);
    }
    const first = await env.call('sweeps', 'downloadOutputs', { sweep: 'outs' });
    expect(first).toMatchObject({ jobs: 2, skipped: 0, notDownloaded: [] });
    expect(first.files).toBeGreaterThanOrEqual(2);
    const logs = ended.rows.map((r) => join(folder, 'outs', `rescale_job_${r.jobId}`, 'process_output.log'));
    await until('both logs on disk', () => logs.every((f) => existsSync(f)), 60_000);
    await until(
      'every download ended',
      async () => {
        const items = (await env.call('transfers', 'list', {})).items.filter((i) => first.transferIds.includes(i.id));
        return items.length === first.transferIds.length && items.every((i) => i.state === 'done');
      },
      60_000,
    );
    // Again: the files are there already (same size and SHA-512), nothing is downloaded twice.
    const again = await env.call('sweeps', 'downloadOutputs', { sweep: 'outs' });
    expect(again).toMatchObject({ jobs: 2, files: 0, transferIds: [] });
    expect(again.skipped).toBe(first.files);
  }, 150_000);

  test('retry failed launches a row whose job failed on the platform again, once; the completed row keeps its job', async () => {
    // The sandbox ends a job Failed when its name holds [fail]: the second row's seed puts it there.
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'flaky', table: { kind: 'csv', text: 'lr,seed\n0.3,1\n0.3,[fail]\n' } });
    const ended = await until(
      'one row completed, one failed',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        return v.rows.every((r) => r.outcome === 'completed' || r.outcome === 'failed') ? v : null;
      },
      90_000,
    );
    expect(ended.rows.map((r) => r.outcome)).toEqual(['completed', 'failed']);
    const failedJob = ended.rows[1]!.jobId!;
    env.sb.resetStats();
    expect(await env.call('sweeps', 'retryFailed', { sweep: sweep.id })).toEqual({ retried: 1, alreadyRetried: 0 });
    // Asked again while the new job is on its way: nothing more.
    expect(await env.call('sweeps', 'retryFailed', { sweep: sweep.id })).toEqual({ retried: 0, alreadyRetried: 0 });
    const again = await until(
      'row 2 has a new job',
      async () => {
        const v = await env.call('sweeps', 'get', { sweep: sweep.id });
        const r = v.rows[1]!;
        return r.jobId && r.jobId !== failedJob && r.state === 'submitted' ? v : null;
      },
      60_000,
    );
    expect(again.rows[0]!.jobId).toBe(ended.rows[0]!.jobId); // the completed row keeps its job
    expect(served(env.sb, 'POST /api/v2/jobs/')).toBe(1);
    expect((await platformJobs(env.sb)).filter((j) => j.name.startsWith('train lr=0.3 '))).toHaveLength(3);
  }, 150_000);
});
