import { randomBytes } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { apiClient, encryptParts, issueCreds, listResults, pollUntil, sessionClient, uploadAndRegister, type Obj } from './helpers';

let sb: RunningSandbox;
const api = () => apiClient(sb);
const analysis = (over: Obj = {}): Obj => ({
  command: './run.sh',
  analysis: { code: 'user_included', version: '0' },
  hardware: { coreType: 'emerald', coresPerSlot: 1 },
  ...over,
});

beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 1.5 });
});
afterAll(async () => {
  await sb?.stop();
});

describe('auth and routing', () => {
  it('needs a token: missing, wrong, Token and Bearer', async () => {
    const none = await apiClient(sb, '').get('/api/v3/users/me/');
    expect([none.status, none.json]).toEqual([401, { detail: 'Authentication credentials were not provided.' }]);
    expect(none.headers.get('www-authenticate')).toBe('Token');
    const wrong = await apiClient(sb, 'nope').get('/api/v3/users/me/');
    expect([wrong.status, wrong.json]).toEqual([401, { detail: 'Invalid token.' }]);
    const bearer = await api().get('/api/v3/users/me/', { authorization: `Bearer ${sb.token}` });
    expect(bearer.status).toBe(200);
    const me = (await api().get('/api/v3/users/me/')).json;
    expect(me['defaultStorage']).toMatchObject({
      storageType: 'S3Storage',
      encryptionType: 'default',
      connectionSettings: { region: sb.region, container: sb.bucket, pathBase: sb.storageDir, pathPartsBase: sb.storageDir },
    });
    const folders = (await api().get('/api/v3/users/me/folders/')).json;
    expect(Object.keys(folders).sort()).toEqual(['myJobs', 'myLibrary']);
  });

  it('404s without the trailing slash (Django page) and 405s wrong methods', async () => {
    const noSlash = await api().get('/api/v3/users/me');
    expect(noSlash.status).toBe(404);
    expect(noSlash.headers.get('content-type')).toContain('text/html');
    expect((await api().get('/api/v9/nothing/')).status).toBe(404);
    const wrongMethod = await api().call('PUT', '/api/v3/users/me/', {});
    expect([wrongMethod.status, wrongMethod.json]).toEqual([405, { detail: 'Method "PUT" not allowed.' }]);
    expect((await api().get('/api/v3/files/NOSUCH/')).json).toEqual({ detail: 'Not found.' });
  });

  it("paginates with absolute next/previous links on the caller's own origin", async () => {
    const creds = await issueCreds(sb);
    await Promise.all(
      Array.from({ length: 26 }, (_, i) => uploadAndRegister(sb, `page-${String(i).padStart(2, '0')}.txt`, Buffer.from(`file ${i}`), { creds })),
    );
    await uploadAndRegister(sb, 'newest.txt', Buffer.from('last one'), { creds });
    const first = await api().get('/api/v3/files/');
    expect(first.json['count']).toBe(27);
    expect(listResults(first)).toHaveLength(25);
    expect(first.json['previous']).toBeNull();
    const port = new URL(sb.apiUrl).port;
    const viaLocalhost = await api().get(`http://localhost:${port}/api/v3/files/?page_size=10`);
    expect(viaLocalhost.json['next']).toBe(`http://localhost:${port}/api/v3/files/?page_size=10&page=2`);
    const seen: string[] = [];
    let next: string | null = `${sb.apiUrl}/api/v3/files/?page_size=10`;
    while (next) {
      const page = await api().get(next);
      seen.push(...listResults(page).map((f) => String(f['name'])));
      next = page.json['next'] as string | null;
    }
    expect(seen).toHaveLength(27);
    expect(seen[0]).toBe('newest.txt'); // newest first
    expect(new Set(seen).size).toBe(27);
    const last = await api().get('/api/v3/files/?page_size=10&page=3');
    expect(last.json['previous']).toBe(`${sb.apiUrl}/api/v3/files/?page_size=10&page=2`);
    expect((await api().get('/api/v3/files/?page=99')).json).toEqual({ detail: 'Invalid page.' });
  });
});

describe('validation errors name the field', () => {
  it('job bodies', async () => {
    const post = (body: unknown, v = 'v2') => api().post(`/api/${v}/jobs/`, body);
    expect((await post({ jobanalyses: [analysis()] })).json).toEqual({ name: ['This field is required.'] });
    expect((await post({ name: 'x', jobanalyses: [analysis({ analysis: { code: 'x' } })] })).json).toEqual({
      jobanalyses: [{ analysis: ["Unknown analysis code 'x'."] }],
    });
    const ct = await post({ name: 'x', jobanalyses: [analysis(), analysis({ hardware: { coreType: 'unobtainium' } })] });
    expect(ct.status).toBe(400);
    expect(ct.json).toEqual({ jobanalyses: [{}, { hardware: { coreType: ["Unknown core type 'unobtainium'."] } }] });
    const files = await post({ name: 'x', jobanalyses: [analysis({ inputFiles: [{ id: 'nope' }] })] });
    expect(files.json).toEqual({ jobanalyses: [{ inputFiles: [{ id: ['Invalid pk "nope" - object does not exist.'] }] }] });
    const gpuOnly = await post({ name: 'x', jobanalyses: [analysis({ analysis: { code: 'chainer', version: '1.22.0-cuda8-gpu-centos' } })] });
    expect(((gpuOnly.json['jobanalyses'] as Obj[])[0]!['hardware'] as Obj)['coreType']).toEqual([
      "Core type 'emerald' is not available for chainer 1.22.0-cuda8-gpu-centos.",
    ]);
    const v3String = await post({ name: 'x', jobanalyses: [analysis()] }, 'v3');
    expect(v3String.status).toBe(400);
    const v3 = await post({ name: 'x', jobanalyses: [analysis({ hardware: { coreType: { code: 'onyx' }, coresPerSlot: 2 } })] }, 'v3');
    expect(v3.status).toBe(201);
    const detail = await api().get(`/api/v3/jobs/${String(v3.json['id'])}/`);
    expect(((detail.json['jobanalyses'] as Obj[])[0]!['hardware'] as Obj)['coreType']).toMatchObject({ code: 'onyx' });
    expect(detail.json['jobStatus']).toBeUndefined();
    const automation = await post(
      { name: 'x', jobanalyses: [analysis({ hardware: { coreType: { code: 'onyx' } } })], jobAutomations: [{ automation: { id: 'a' } }] },
      'v3',
    );
    expect(automation.status).toBe(500);
    expect((await post('{"name": ', 'v2')).json['detail']).toMatch(/^JSON parse error/);
  });

  it('file registration', async () => {
    const post = (body: unknown) => api().post('/api/v3/files/', body);
    const empty = await post({});
    expect(empty.json).toEqual({
      name: ['This field is required.'],
      pathParts: ['This field is required.'],
      decryptedSize: ['This field is required.'],
      encodedEncryptionKey: ['This field is required.'],
    });
    const creds = await issueCreds(sb);
    const enc = encryptParts(Buffer.from('hello'), 1 << 20);
    const base = {
      name: 'h.txt',
      decryptedSize: 5,
      encodedEncryptionKey: enc.key.toString('base64'),
      pathParts: { container: sb.bucket, path: `${creds.storageDir}/h.txt` },
    };
    expect((await post(base)).status).toBe(400); // not uploaded yet
    const s3 = sessionClient(sb, creds);
    await s3.send(new PutObjectCommand({ Bucket: sb.bucket, Key: `${creds.storageDir}/h.txt`, Body: enc.parts[0] }));
    expect((await post(base)).json['detail']).toMatch(/no 'iv' metadata/);
    await s3.send(
      new PutObjectCommand({ Bucket: sb.bucket, Key: `${creds.storageDir}/h.txt`, Body: enc.parts[0], Metadata: { iv: enc.iv.toString('base64') } }),
    );
    expect(Object.keys((await post({ ...base, decryptedSize: 17 })).json)).toEqual(['decryptedSize']);
    expect((await post({ ...base, pathParts: { container: 'other', path: base.pathParts.path } })).json).toEqual({
      pathParts: { container: ["Unknown storage container 'other'."] },
    });
    const ok = await post(base);
    expect(ok.status).toBe(201);
    expect(ok.json).toMatchObject({ name: 'h.txt', isUploaded: true, isDeleted: false, decryptedSize: 5, typeId: 1, owner: expect.any(String) });
    s3.destroy();
  });
});

describe('walltime', () => {
  it('is received in hardware as whole hours, kept on the job and shown back; anything else is a field error', async () => {
    const ok = await api().post('/api/v2/jobs/', { name: 'wt', jobanalyses: [analysis({ hardware: { coreType: 'emerald', coresPerSlot: 1, walltime: 6 } })] });
    expect(ok.status).toBe(201);
    const id = String(ok.json['id']);
    const detail = (await api().get(`/api/v2/jobs/${id}/`)).json;
    expect(((detail['jobanalyses'] as Obj[])[0]!['hardware'] as Obj)['walltime']).toBe(6);
    const none = await api().post('/api/v2/jobs/', { name: 'wt0', jobanalyses: [analysis()] });
    expect(((none.json['jobanalyses'] as Obj[])[0]!['hardware'] as Obj)['walltime']).toBeNull();
    for (const bad of [0, -2, 1.5, 'six']) {
      const r = await api().post('/api/v2/jobs/', {
        name: 'wtx',
        jobanalyses: [analysis({ hardware: { coreType: 'emerald', coresPerSlot: 1, walltime: bad } })],
      });
      expect(r.status, String(bad)).toBe(400);
      expect(r.json).toMatchObject({ jobanalyses: [{ hardware: { walltime: [expect.stringMatching(/positive integer \(hours\)/)] } }] });
    }
  });
});

describe('file contents and folders', () => {
  it('serves decrypted ranges from any offset', async () => {
    const plain = randomBytes(100_003);
    const { record } = await uploadAndRegister(sb, 'r.bin', plain, { partSize: 5 << 20 });
    const url = `/api/v2/files/${String(record['id'])}/contents/`;
    const get = async (range: string) => {
      const res = await fetch(`${sb.apiUrl}${url}`, { headers: { authorization: `Token ${sb.token}`, range } });
      return { status: res.status, cr: res.headers.get('content-range'), body: Buffer.from(await res.arrayBuffer()) };
    };
    for (const [a, b] of [
      [0, 15],
      [5, 40],
      [16, 31],
      [17, 50_000],
      [99_990, 100_002],
    ] as const) {
      const r = await get(`bytes=${a}-${b}`);
      expect(r.status).toBe(206);
      expect(r.cr).toBe(`bytes ${a}-${b}/${plain.length}`);
      expect(r.body.equals(plain.subarray(a, b + 1))).toBe(true);
    }
    expect((await get('bytes=-7')).body.equals(plain.subarray(-7))).toBe(true);
    expect((await get('bytes=100000-')).body.equals(plain.subarray(100_000))).toBe(true);
    expect((await get('bytes=200000-')).status).toBe(416);
  });

  it('server-side upload, folders, move and delete', async () => {
    const me = (await api().get('/api/v3/users/me/folders/')).json;
    const sub = await api().post(`/api/v3/folders/${String(me['myLibrary'])}/`, { name: 'inputs' });
    expect(sub.status).toBe(201);
    expect((await api().post(`/api/v3/folders/${String(me['myLibrary'])}/`, { name: 'inputs' })).text).toMatch(/already exists/);
    const form = new FormData();
    form.set('file', new Blob([Buffer.from('server side!')]), 'ss.txt');
    const up = await fetch(`${sb.apiUrl}/api/v2/files/contents/`, { method: 'POST', headers: { authorization: `Token ${sb.token}` }, body: form });
    expect(up.status).toBe(201);
    const rec = (await up.json()) as Obj;
    const contents = await api().get(`/api/v2/files/${String(rec['id'])}/contents/`);
    expect(contents.text).toBe('server side!');
    const moved = await api().patch(`/api/v3/files/${String(rec['id'])}/`, { currentFolderId: sub.json['id'] });
    expect(moved.json['currentFolderId']).toBe(sub.json['id']);
    const listing = listResults(await api().get(`/api/v3/folders/${String(sub.json['id'])}/contents/`));
    expect(listing.map((e) => [e['type'], (e['item'] as Obj)['name']])).toEqual([['file', 'ss.txt']]);
    expect((await api().del(`/api/v3/files/${String(rec['id'])}/`)).status).toBe(204);
    expect((await api().get(`/api/v2/files/${String(rec['id'])}/`)).status).toBe(404);
  });
});

describe('job lifecycle rules', () => {
  it('stop: Stopping then Completed with the terminate reason; delete rules', async () => {
    const job = await api().post('/api/v2/jobs/', { name: 'to stop', jobanalyses: [analysis()] });
    const id = String(job.json['id']);
    expect((await api().post(`/api/v2/jobs/${id}/stop/`)).json).toEqual({ detail: 'Job has not been submitted.' });
    expect(listResults(await api().get('/api/v2/jobs/')).find((j) => j['id'] === id)?.['jobStatus']).toMatchObject({ content: '' });
    await api().post(`/api/v2/jobs/${id}/submit/`);
    expect((await api().del(`/api/v2/jobs/${id}/`)).status).toBe(400);
    expect((await api().post(`/api/v3/jobs/${id}/stop/`)).status).toBe(200);
    const statuses = await pollUntil(async () => {
      const r = listResults(await api().get(`/api/v3/jobs/${id}/statuses/`));
      return r[0]?.['status'] === 'Completed' ? r : undefined;
    }, 10_000);
    expect(statuses[0]!['statusReason']).toBe('User Terminated');
    expect(statuses[1]).toMatchObject({ status: 'Stopping', statusReason: 'User Terminated' });
    expect((await api().post(`/api/v2/jobs/${id}/stop/`)).json).toEqual({ detail: 'Job has already completed.' });
    expect((await api().del(`/api/v3/jobs/${id}/`)).status).toBe(204);
    expect((await api().get(`/api/v2/jobs/${id}/`)).status).toBe(404);
  });
});
