// Realistic mode (sandbox/api/realistic.ts): the same sandbox answering with the platform's
// real, messier shapes. Each assertion is one shape a client must accept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { parseSandboxArgs, realisticFromEnv } from '../../../sandbox/options';
import { apiClient, listResults, pollUntil, uploadAndRegister, type Obj } from './helpers';

let sb: RunningSandbox;
const api = () => apiClient(sb);
const OFFSET_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

beforeAll(async () => {
  sb = await startSandbox({ realistic: true, jobSeconds: 1.5 });
});
afterAll(async () => {
  await sb?.stop();
});

describe('realistic mode', () => {
  it('is switched on by the option, --realistic and COURIER_SANDBOX_REALISTIC=1', () => {
    expect(sb.realistic).toBe(true);
    expect(parseSandboxArgs(['--realistic', '--bucket-region', 'eu-west-1'])).toEqual({ realistic: true, bucketRegion: 'eu-west-1' });
    expect([realisticFromEnv({ COURIER_SANDBOX_REALISTIC: '1' }), realisticFromEnv({}), realisticFromEnv({ COURIER_SANDBOX_REALISTIC: '0' })]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('trims users/me, answers credentials with 201, and file records carry string sizes, +00:00 dates and no region', async () => {
    const me = (await api().get('/api/v3/users/me/')).json;
    expect(me).not.toHaveProperty('id');
    expect(me).not.toHaveProperty('firstName');
    expect(me['company']).toEqual({ code: 'sandbox' });
    expect((me['defaultStorage'] as Obj)['connectionSettings']).toMatchObject({ region: sb.region, container: sb.bucket });
    expect((await api().post('/api/v3/credentials/')).status).toBe(201);

    const { record } = await uploadAndRegister(sb, 'real.txt', Buffer.from('realistic bytes'));
    const got = (await api().get(`/api/v3/files/${String(record['id'])}/`)).json;
    for (const r of [record, got]) {
      expect(r['decryptedSize']).toBe('15');
      expect(r['dateUploaded']).toMatch(OFFSET_DATE);
      const cs = (r['storage'] as Obj)['connectionSettings'] as Obj;
      expect(cs).not.toHaveProperty('region');
      expect(cs['container']).toBe(sb.bucket);
    }
    const page = (await api().get('/api/v3/files/')).json;
    expect(page['next']).toBe('');
    expect(page).not.toHaveProperty('previous');
    expect(listResults({ status: 200, headers: new Headers(), text: '', json: page })[0]?.['decryptedSize']).toBe('15');
    const contents = (await api().get(`/api/v3/folders/${String(record['currentFolderId'])}/contents/`)).json;
    expect(contents).toMatchObject({ next: '' });
    expect(((contents['results'] as Obj[])[0]!['item'] as Obj)['decryptedSize']).toBe('15');
  });

  it('sends core types without gpuCount/isActive, one sparse core type and one software entry without a name', async () => {
    const types = listResults(await api().get('/api/v3/coretypes/'));
    expect(types.length).toBeGreaterThan(3);
    for (const t of types) for (const k of ['gpuCount', 'gpuType', 'isActive']) expect(t).not.toHaveProperty(k);
    expect(types.find((t) => t['code'] === 'nickel')).not.toHaveProperty('description');
    // v2 carries prices (price a number, lowPriorityPrice a string), except on the sparse type.
    const v2 = listResults(await api().get('/api/v2/coretypes/'));
    expect(v2.find((t) => t['code'] === 'emerald')).toMatchObject({ price: expect.any(Number), lowPriorityPrice: expect.stringMatching(/^\d+(\.\d+)?$/) });
    for (const k of ['price', 'lowPriorityPrice']) expect(v2.find((t) => t['code'] === 'nickel')).not.toHaveProperty(k);
    expect(types.find((t) => t['code'] === 'obsidian')?.['processorInfo']).toMatch(/Tesla K80/);
    const analyses = listResults(await api().get('/api/v2/analyses/'));
    const nameless = analyses.find((a) => a['code'] === 'openfoam');
    expect(nameless).not.toHaveProperty('name');
    expect((nameless?.['versions'] as Obj[])[0]).toMatchObject({ versionCode: '2.3.1-openmpi' });
    expect((await api().get('/api/v3/analyses/openfoam/')).json).not.toHaveProperty('name');
    expect(analyses.find((a) => a['code'] === 'chainer')?.['name']).toBe('Chainer');
  });

  it('gives job details coreType objects, statuses without id/jobId, and 202 from stop', async () => {
    const created = await api().post('/api/v2/jobs/', {
      name: 'realistic',
      jobanalyses: [{ command: './run.sh', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    expect(created.status).toBe(201);
    const id = String(created.json['id']);
    for (const detail of [created.json, (await api().get(`/api/v2/jobs/${id}/`)).json, (await api().get(`/api/v3/jobs/${id}/`)).json]) {
      const hw = (detail['jobanalyses'] as Obj[])[0]!['hardware'] as Obj;
      expect(hw['coreType']).toMatchObject({ code: 'emerald', name: 'Emerald' });
      expect(detail['dateInserted']).toMatch(OFFSET_DATE);
    }
    expect((await api().post(`/api/v2/jobs/${id}/submit/`)).status).toBe(200);
    await pollUntil(async () => (listResults(await api().get(`/api/v2/jobs/${id}/statuses/`)).some((s) => s['status'] === 'Started') ? true : undefined));
    expect((await api().post(`/api/v3/jobs/${id}/stop/`)).status).toBe(202);
    for (const v of ['v2', 'v3']) {
      const page = (await api().get(`/api/${v}/jobs/${id}/statuses/`)).json;
      expect(page).toMatchObject({ next: '' });
      expect(page).not.toHaveProperty('previous');
      for (const s of page['results'] as Obj[]) {
        expect(Object.keys(s).sort()).toEqual(['notify', 'preventDuplicates', 'status', 'statusDate', 'statusReason', 'substatus']);
        expect(s['statusDate']).toMatch(OFFSET_DATE);
      }
    }
    // A realistic job queues like a real one: both waiting steps are in its history, oldest first.
    const words = listResults(await api().get(`/api/v2/jobs/${id}/statuses/`))
      .map((s) => s['status'])
      .reverse();
    expect(words.slice(0, 5)).toEqual(['Pending', 'Waiting for Queue', 'Queued', 'Waiting for Cluster', 'Started']);
    const listed = listResults(await api().get('/api/v2/jobs/')).find((j) => j['id'] === id);
    expect(listed?.['dateInserted']).toMatch(OFFSET_DATE);
  });

  it('keeps errors and non-JSON answers as they are', async () => {
    expect((await api().get('/api/v3/files/nope00/')).json).toEqual({ detail: 'Not found.' });
    expect((await api().post('/api/v3/credentials/', { storage: { id: 'nope' } })).status).toBe(400);
  });
});
