import { randomBytes } from 'node:crypto';
import { CreateMultipartUploadCommand, GetObjectCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { apiClient, issueCreds, listResults, sessionClient, type Obj } from './helpers';

let sb: RunningSandbox;
const api = () => apiClient(sb);
const fault = (spec: Record<string, unknown>) => api().post('/__sandbox/faults', spec);

async function newJob(): Promise<string> {
  const res = await api().post('/api/v2/jobs/', {
    name: 'fault target',
    jobanalyses: [{ command: 'true', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
  });
  expect(res.status, res.text).toBe(201);
  return String(res.json['id']);
}

async function sdkError(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected failure');
}

beforeAll(async () => {
  sb = await startSandbox({ faults: true, jobSeconds: 30 });
});
afterEach(async () => {
  expect((await api().del('/__sandbox/faults')).status).toBe(204);
  await api().post('/__sandbox/rate-limits', { enabled: false });
});
afterAll(async () => {
  await sb?.stop();
});

describe('status faults on the API', () => {
  it('without applyEffect: the error comes back and nothing happened', async () => {
    const id = await newJob();
    expect((await fault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 502, times: 1 })).status).toBe(201);
    const first = await api().post(`/api/v2/jobs/${id}/submit/`);
    expect(first.status).toBe(502);
    expect(first.json).toEqual({ detail: 'Injected fault (HTTP 502).' });
    expect((await api().get(`/api/v2/jobs/${id}/statuses/`)).json['count']).toBe(0);
    expect((await api().post(`/api/v2/jobs/${id}/submit/`)).status).toBe(200);
  });

  it('with applyEffect: the action happened, the answer was lost', async () => {
    const id = await newJob();
    await fault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 502, times: 1, applyEffect: true });
    expect((await api().post(`/api/v2/jobs/${id}/submit/`)).status).toBe(502);
    expect(listResults(await api().get(`/api/v2/jobs/${id}/statuses/`))[0]?.['status']).toBe('Pending');
    const again = await api().post(`/api/v2/jobs/${id}/submit/`);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({ detail: 'Job has already been submitted.' });
  });

  it('times: a rule fires exactly that often and reports its hits', async () => {
    await fault({ method: 'GET', path: '/api/v3/users/me/', status: 503, times: 2, body: { detail: 'maintenance' } });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await api().get('/api/v3/users/me/')).status);
    expect(codes).toEqual([503, 503, 200]);
    const rules = (await api().get('/__sandbox/faults')).json['faults'] as Obj[];
    expect(rules[0]).toMatchObject({ hits: 2, remaining: 0 });
  });

  it('latencyMs delays the answer', async () => {
    await fault({ path: '/api/v3/coretypes/', latencyMs: 1000, times: 1 });
    const t0 = performance.now();
    expect((await api().get('/api/v3/coretypes/')).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    const t1 = performance.now();
    await api().get('/api/v3/coretypes/');
    expect(performance.now() - t1).toBeLessThan(900);
  });

  it('cutAfterBytes drops the connection mid-response and mid-request', async () => {
    await fault({ method: 'GET', path: '/api/v3/analyses/', cutAfterBytes: 40, times: 1 });
    await expect(api().get('/api/v3/analyses/')).rejects.toThrow();
    expect((await api().get('/api/v3/analyses/')).status).toBe(200);
    await fault({ method: 'POST', path: '/api/v2/jobs/', cutAfterBytes: 10, times: 1 });
    const before = (await api().get('/api/v2/jobs/')).json['count'];
    await expect(newJob()).rejects.toThrow();
    expect((await api().get('/api/v2/jobs/')).json['count']).toBe(before);
  });

  it('rate limits answer 429 with Retry-After and the DRF message', async () => {
    const on = await api().post('/__sandbox/rate-limits', { enabled: true, limits: { user: { ratePerSec: 0.1, burst: 2 } } });
    expect(on.status).toBe(200);
    const res = [];
    for (let i = 0; i < 3; i++) res.push(await api().get('/api/v3/users/me/'));
    expect(res.map((r) => r.status)).toEqual([200, 200, 429]);
    const throttled = res[2]!;
    const wait = Number(throttled.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(5); // ~10 s for a whole token at 0.1/s
    expect(wait).toBeLessThanOrEqual(10);
    expect(throttled.json).toEqual({ detail: `Request was throttled. Expected available in ${wait} seconds.` });
    // Other scopes have their own buckets.
    expect((await api().get('/api/v2/jobs/')).status).toBe(200);
    expect(sb.stats().throttled).toBeGreaterThanOrEqual(1);
  });

  it('rate limits can also be switched through the faults endpoint', async () => {
    await fault({ rateLimits: true });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await api().get('/api/v3/users/me/')).status);
    expect(codes).toContain(429);
    await fault({ rateLimits: false });
    expect((await api().get('/api/v3/coretypes/')).status).toBe(200);
  });

  it('an injected 429 carries Retry-After too', async () => {
    await fault({ path: '/api/v3/files/', status: 429, retryAfter: 7, times: 1 });
    const r = await api().get('/api/v3/files/');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('7');
    expect(r.json['detail']).toBe('Request was throttled. Expected available in 7 seconds.');
  });
});

describe('faults on S3', () => {
  it('cuts an UploadPart mid-body; nothing is stored and the retry is counted', async () => {
    const creds = await issueCreds(sb);
    const s3 = sessionClient(sb, creds);
    const Key = `${creds.storageDir}/cut.bin`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: sb.bucket, Key }));
    await fault({ target: 's3', op: 'UploadPart', cutAfterBytes: 1 << 20, times: 1 });
    const body = randomBytes(5 << 20);
    const err = await sdkError(s3.send(new UploadPartCommand({ Bucket: sb.bucket, Key, UploadId, PartNumber: 1, Body: body })));
    expect(err.message).toMatch(/socket|ECONNRESET|EPIPE|hang up|closed|aborted/i);
    expect((await s3.send(new ListPartsCommand({ Bucket: sb.bucket, Key, UploadId }))).Parts ?? []).toEqual([]);
    await s3.send(new UploadPartCommand({ Bucket: sb.bucket, Key, UploadId, PartNumber: 1, Body: body }));
    expect(sb.stats().uploadParts[UploadId!]).toEqual({ '1': 2 });
    const stats = (await api().get('/__sandbox/stats')).json;
    expect((stats['uploadParts'] as Obj)[UploadId!]).toEqual({ '1': 2 });
    s3.destroy();
  });

  it('cuts a GET mid-download', async () => {
    const creds = await issueCreds(sb);
    const s3 = sessionClient(sb, creds);
    const Key = `${creds.storageDir}/dl.bin`;
    await s3.send(new PutObjectCommand({ Bucket: sb.bucket, Key, Body: randomBytes(3 << 20) }));
    await fault({ target: 's3', method: 'GET', path: `/${sb.bucket}/${creds.storageDir}/**`, cutAfterBytes: 1 << 20, times: 1 });
    const got = await s3.send(new GetObjectCommand({ Bucket: sb.bucket, Key }));
    await expect(got.Body!.transformToByteArray()).rejects.toThrow();
    const again = await s3.send(new GetObjectCommand({ Bucket: sb.bucket, Key }));
    expect((await again.Body!.transformToByteArray()).length).toBe(3 << 20);
    s3.destroy();
  });

  it('status faults: 503 SlowDown, with applyEffect the part is kept', async () => {
    const creds = await issueCreds(sb);
    const s3 = sessionClient(sb, creds);
    const Key = `${creds.storageDir}/slow.bin`;
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: sb.bucket, Key }));
    await fault({ op: 'UploadPart', status: 503, times: 1 });
    const e1 = await sdkError(s3.send(new UploadPartCommand({ Bucket: sb.bucket, Key, UploadId, PartNumber: 1, Body: 'abc' })));
    expect([e1.name, e1.$metadata?.httpStatusCode]).toEqual(['SlowDown', 503]);
    expect((await s3.send(new ListPartsCommand({ Bucket: sb.bucket, Key, UploadId }))).Parts ?? []).toEqual([]);
    await fault({ op: 'UploadPart', status: 500, times: 1, applyEffect: true });
    const e2 = await sdkError(s3.send(new UploadPartCommand({ Bucket: sb.bucket, Key, UploadId, PartNumber: 1, Body: 'abc' })));
    expect(e2.name).toBe('InternalError');
    expect((await s3.send(new ListPartsCommand({ Bucket: sb.bucket, Key, UploadId }))).Parts?.map((p) => p.PartNumber)).toEqual([1]);
    s3.destroy();
  });

  it('expireCredentials: the SDK sees ExpiredToken; fresh keys work', async () => {
    const creds = await issueCreds(sb);
    const s3 = sessionClient(sb, creds);
    const Key = `${creds.storageDir}/exp.bin`;
    await s3.send(new PutObjectCommand({ Bucket: sb.bucket, Key, Body: 'x' }));
    const r = await fault({ expireCredentials: true });
    expect(r.json['expiredCredentials']).toBeGreaterThanOrEqual(1);
    const err = await sdkError(s3.send(new PutObjectCommand({ Bucket: sb.bucket, Key, Body: 'y' })));
    expect(err.name).toBe('ExpiredToken');
    const fresh = sessionClient(sb, await issueCreds(sb));
    await fresh.send(new PutObjectCommand({ Bucket: sb.bucket, Key, Body: 'y' }));
    s3.destroy();
    fresh.destroy();
  });
});

describe('control surface', () => {
  it('counts requests per route and S3 operation', async () => {
    await api().del('/__sandbox/stats');
    const id = await newJob();
    await api().post(`/api/v2/jobs/${id}/submit/`);
    const stats = (await api().get('/__sandbox/stats')).json;
    expect(stats['api']).toMatchObject({ 'POST /api/v2/jobs/': 1, 'POST /api/v2/jobs/{id}/submit/': 1 });
  });

  it('rejects malformed fault specs', async () => {
    const r = await fault({ status: 'oops', nonsense: true });
    expect(r.status).toBe(400);
  });

  it('does not exist without faults: true', async () => {
    const plain = await startSandbox();
    try {
      const r = await fetch(`${plain.apiUrl}/__sandbox/faults`, { method: 'POST', body: '{}' });
      expect(r.status).toBe(404);
      expect((await fetch(`${plain.apiUrl}/__sandbox/stats`)).status).toBe(404);
    } finally {
      await plain.stop();
    }
  });

  it('rate limits can start switched on', async () => {
    const limited = await startSandbox({ rateLimits: true });
    try {
      const c = apiClient(limited);
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) codes.push((await c.get('/api/v3/users/me/')).status);
      expect(codes).toContain(429);
    } finally {
      await limited.stop();
    }
  });
});
