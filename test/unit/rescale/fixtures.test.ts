// Recorded response bodies (test/fixtures/rescale/, sources in SOURCES) read through the very
// calls Courier makes: RescaleApi over undici, with the platform's own origin so the bodies'
// absolute `next` links are followed as they would be. Only the network is replaced (undici's
// MockAgent answers with the fixture bytes); parsing, paging and models are the real ones.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import { CatalogService } from '../../../main/core/jobs/catalog';
import { jobsPage } from '../../../main/core/jobs/jobs-list';
import { RescaleApi } from '../../../main/core/rescale/api';
import { parseRescaleDate } from '../../../main/core/rescale/models';

const ORIGIN = 'https://platform.rescale.com';
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/rescale', name), 'utf8');
const EMPTY_PAGE = '{"count":0,"next":null,"previous":null,"results":[]}';

let agent: MockAgent;
afterEach(async () => agent?.close());

/** An API client whose requests are answered by `routes` (path prefix → body); later pages are empty. */
function apiAnswering(routes: Record<string, string>, method = 'GET', status = 200): RescaleApi {
  agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(ORIGIN);
  for (const [prefix, body] of Object.entries(routes)) {
    pool
      .intercept({ path: (p) => p.startsWith(prefix) && !/[?&]page=[2-9]/.test(p), method })
      .reply(status, body, { headers: { 'content-type': 'application/json' } })
      .persist();
  }
  // The recorded pages link to a page 2 (under the paths of their day); it comes back empty.
  pool
    .intercept({ path: (p) => /[?&]page=[2-9]/.test(p), method: 'GET' })
    .reply(200, EMPTY_PAGE)
    .persist();
  return new RescaleApi({
    baseUrl: ORIGIN,
    apiKey: 'k'.repeat(40),
    dispatcher: agent,
    limiter: { acquire: async () => undefined, block: async () => undefined },
    maxAttempts: 1,
  });
}

describe('recorded catalog pages', () => {
  test('core types (API docs): codes, sizes, no GPU among them', async () => {
    const api = apiAnswering({ '/api/v2/coretypes/': fixture('olddocs-coretypes-page.json') });
    const r = await api.coreTypes();
    expect(r.skipped.count).toBe(0);
    expect(r.items.map((c) => [c.code, c.name, c.cores])).toEqual([
      ['standard-plus', 'Marble', [1, 2, 4, 8]],
      ['test', 'HPC Test', [1]],
    ]);
    expect(r.items[0]?.processorInfo).toBe('Intel Xeon E5-2670 v2 (Ivy Bridge) - single threaded');
  });

  test('core types (Interlink): a record without isActive or any GPU field', async () => {
    const api = apiAnswering({ '/api/v2/coretypes/': fixture('il-coretypes-page.json') });
    const r = await api.coreTypes();
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({ code: 'adamite', name: 'Adamite', cores: [24], memory: 8000, processorInfo: 'Intel Xeon Platinum 8259CL CPU' });
    expect(r.items[0]?.isActive).toBeUndefined();
  });

  test('software (API docs): versions with their codes and allowed core types', async () => {
    const api = apiAnswering({ '/api/v2/analyses/': fixture('olddocs-analyses-page.json') });
    const r = await api.analyses();
    expect(r.skipped.count).toBe(0);
    const abaqus = r.items[0]!;
    expect(abaqus).toMatchObject({ code: 'abaqus', name: 'Abaqus', vendorName: '' });
    expect(abaqus.versions.map((v) => v.versionCode)).toEqual(['6.14.1-pcmpi', '6.13.5-ibm', '6.12.0-ibm', '6.12.0-asca']);
    expect(abaqus.versions[0]?.version).toBe('6.14-1');
    expect(abaqus.versions[0]?.allowedCoreTypes).toContain('gpu-kepler');
  });

  test('both catalogs into the cache: an entry without a name shows under its code, GPU types from real fields', async () => {
    const api = apiAnswering({ '/api/v2/coretypes/': fixture('il-coretypes-page.json'), '/api/v2/analyses/': fixture('il-analyses-page.json') });
    const view = await new CatalogService(mkdtempSync(join(tmpdir(), 'courier-fx-'))).get('acc', api);
    expect(view.analyses).toEqual([
      { code: '3dx_station', name: '3dx_station', versions: [{ version: '2022x', versionCode: '2022x-Batch', allowedCoreTypes: [] }] },
    ]);
    // The recorded record's price is a number and its low-priority price a string ("0.0988"): both kept as numbers, in USD.
    expect(view.coreTypes).toEqual([{ code: 'adamite', name: 'Adamite', cores: [24], gpu: false, price: 0.1751, lowPriorityPrice: 0.0988 }]);
    expect(view.currency).toBe('USD');
    expect(view.skipped).toBeUndefined();
  });
});

describe('recorded job answers', () => {
  test('job list (API docs, v2): ids, names and the list-only status field', async () => {
    const api = apiAnswering({ '/api/v2/jobs/': fixture('olddocs-jobs-page.json') });
    const r = await jobsPage(api, 1, 50);
    expect(r.items.map((j) => [j.id, j.name, j.status])).toEqual([
      ['OsKBd', 'the FOAM 2', 'Completed'],
      ['XZFQV', 'the FOAM', 'Completed'],
      ['kikcT', 'MPI Hello', ''],
    ]);
    expect(parseRescaleDate(r.items[0]!.dateInserted)).toBe(Date.UTC(2015, 2, 13, 23, 43, 21, 223));
    expect(r).toMatchObject({ count: 3, hasNext: false });
  });

  test('job detail (API docs, v2): hardware.coreType as a string, its inputs', async () => {
    const api = apiAnswering({ '/api/v2/jobs/aabbcc/': fixture('olddocs-job-detail.json') });
    const job = await api.getJob('aabbcc');
    expect(job).toMatchObject({ id: 'aabbcc', name: 'Untitled Job', isLowPriority: true, owner: 'mark@rescale.com' });
    const a = job.jobanalyses![0]!;
    expect(a.hardware).toMatchObject({ coreType: 'standard-plus', coresPerSlot: 1, slots: 1, walltime: null });
    expect(a.analysis).toMatchObject({ code: 'openfoam', version: '2.3.1-openmpi' });
    expect(a.inputFiles).toMatchObject([{ id: 'duMEdg', name: 'airfoid2d_doe.tar.gz' }]);
  });

  test('job detail (Interlink, v3 shape): hardware.coreType as an object reads as its code', async () => {
    const api = apiAnswering({ '/api/v2/jobs/abcDe/': fixture('il-job-detail-v3.json') });
    const job = await api.getJob('abcDe');
    expect(job.jobanalyses![0]!.hardware).toMatchObject({ coreType: 'emerald', coresPerSlot: 16 });
    expect(job.jobanalyses![0]!.command).toBe('./run.sh');
  });

  test('job create answer (API docs): the new id', async () => {
    const api = apiAnswering({ '/api/v2/jobs/': fixture('olddocs-job-create-response.json') }, 'POST', 201);
    const job = await api.createJob({ name: 'Jobbo' });
    expect(job.id).toBe('LeeKa');
    expect(job.jobanalyses![0]!.hardware?.coreType).toBe('standard-plus');
  });

  test('statuses (Interlink): newest first, with the reason and an offset date', async () => {
    const api = apiAnswering({ '/api/v2/jobs/abcDe/statuses/': fixture('il-job-statuses-page.json') });
    const s = await api.jobStatuses('abcDe');
    expect(s).toMatchObject([{ status: 'Completed', statusReason: 'Completed successfully' }]);
    expect(parseRescaleDate(s[0]!.statusDate)).toBe(Date.UTC(2026, 3, 3, 3, 45, 58, 683));
  });

  test('runs (API docs): numeric-string ids, dates, output counts; the next page is followed', async () => {
    const api = apiAnswering({ '/api/v2/jobs/XXXXXX/runs/': fixture('olddocs-runs-page.json') });
    const runs = await api.jobRuns('XXXXXX');
    expect(runs.map((r) => [r.id, r.outputFileCount, r.outputFileSize])).toEqual([
      ['1', 66, 8018226],
      ['2', 72, 8805863],
    ]);
    expect(runs[0]?.dateCompleted).toBe('2015-02-18T03:09:14.667000Z');
  });
});

describe('recorded file answers', () => {
  test('job outputs (API docs): relative path, size, legacy md5', async () => {
    const api = apiAnswering({ '/api/v2/jobs/OsKBd/files/': fixture('olddocs-job-files-page.json') });
    const files = await api.jobFiles('OsKBd');
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      id: 'xTyjeg',
      name: 'fvSchemes',
      relativePath: 'airFoil2D/system/fvSchemes',
      decryptedSize: 1680,
      md5: '8632d6580e922bd9f8691cc2d6ea3443',
      fileChecksums: [],
    });
  });

  test('file metadata (API docs): a record without storage fields', async () => {
    const api = apiAnswering({ '/api/v3/files/WvNKdb/': fixture('olddocs-file-record.json') });
    const f = await api.getFile('WvNKdb');
    expect(f).toMatchObject({ id: 'WvNKdb', name: 'Crash_input.pc.gz', decryptedSize: 56425931, typeId: 1, md5: 'a3bc423552cf5457b2fcf4fad87e451d' });
    expect(f.pathParts ?? null).toBeNull();
    expect(parseRescaleDate(f.dateUploaded)).toBe(Date.UTC(2015, 2, 13, 0, 56, 20, 925));
  });

  test('file metadata (Interlink): storage, pathParts and a SHA-512 checksum', async () => {
    const api = apiAnswering({ '/api/v3/files/abc123/': fixture('il-file-record.json') });
    const f = await api.getFile('abc123');
    expect(f).toMatchObject({
      id: 'abc123',
      decryptedSize: 1024,
      pathParts: { container: 'bucket', path: 'user/file.txt' },
      storage: { id: 's1', storageType: 'S3Storage' },
    });
    expect(f.fileChecksums).toEqual([{ hashFunction: 'sha512', fileHash: 'abc' }]);
  });
});
