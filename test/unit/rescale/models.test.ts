import { describe, expect, test } from 'vitest';
import { describeDrfBody, classifyHttpError, classifyNetworkError, parseRetryAfter } from '../../../main/core/rescale/errors';
import { analysis, coreType, fileRecord, isGpuCoreType, jobRecord, parseRescaleDate } from '../../../main/core/rescale/models';
import { scopeOf } from '../../../main/core/rescale/scopes';
import { authHeader, backoffDelay } from '../../../main/core/rescale/client';

describe('Rescale models at the edge', () => {
  test.each([
    ['2014-11-12T22:20:09.596996Z', Date.UTC(2014, 10, 12, 22, 20, 9, 596)],
    ['2015-03-12T17:56:20.925043-07:00', Date.UTC(2015, 2, 13, 0, 56, 20, 925)],
    ['2026-04-03T03:45:58.683875+00:00', Date.UTC(2026, 3, 3, 3, 45, 58, 683)],
    ['2017-06-04T11:55:35Z', Date.UTC(2017, 5, 4, 11, 55, 35)],
    ['2017-06-04T11:55:35.1+0900', Date.UTC(2017, 5, 4, 2, 55, 35, 100)],
  ])('parses %s', (s, ms) => {
    expect(parseRescaleDate(s)).toBe(ms);
  });

  test('file records tolerate unknown fields and string sizes', () => {
    const f = fileRecord.parse({ id: 'XkpTse', name: 'a.txt', decryptedSize: '152', somethingNew: { x: 1 }, fileChecksums: null, encodedEncryptionKey: 'k' });
    expect(f.decryptedSize).toBe(152);
    expect(f.fileChecksums).toEqual([]);
    expect((f as Record<string, unknown>).somethingNew).toEqual({ x: 1 });
  });

  test('sizes are whole non-negative byte counts', () => {
    const f = (decryptedSize: unknown) => fileRecord.safeParse({ id: 'XkpTse', name: 'a.txt', decryptedSize }).success;
    expect([f(0), f(152), f('152'), f(null)]).toEqual([true, true, true, true]);
    expect([f(-1), f(1.5), f('-1'), f('1e3'), f('abc')]).toEqual([false, false, false, false, false]);
  });
});

/** A core type record as the platform sends it (the fields of the published and Interlink samples, no GPU field). */
const realCoreType = (code: string, name: string, processorInfo: string, description = '') =>
  coreType.parse({
    hasSsd: true,
    code,
    compute: null,
    name,
    isDeprecated: false,
    price: 0.1751,
    remoteVizAllowed: true,
    storage: 37,
    lowPriorityPrice: '0.0988',
    walltimeRequired: false,
    displayOrder: 33,
    io: '50.0',
    memory: 8000,
    cores: [8],
    isPrimary: false,
    processorInfo,
    storageIo: 'Standard',
    description,
  });

describe('GPU core types, from what real records carry', () => {
  test.each([
    ['gpu-kepler', 'GPU Kepler', 'Intel Xeon E5-2670 (Sandy Bridge)'],
    ['gpu-tesla', 'Tesla', ''],
    ['onyx', 'Onyx', 'Intel Xeon Platinum 8275CL + 8 x H100 80GB'],
    ['jasper', 'Jasper', 'AMD EPYC 7R32 + 4x A10G'],
    ['topaz', 'Topaz', 'Intel Xeon Cascade Lake, T4'],
    ['garnet', 'Garnet', 'Intel Xeon Ice Lake + L4 Tensor Core'],
    ['obsidian', 'Obsidian', 'Intel Xeon E5-2686 v4 + NVIDIA Tesla V100'],
  ])('%s (%s, %j) is a GPU type', (code, name, cpu) => {
    expect(isGpuCoreType(realCoreType(code, name, cpu))).toBe(true);
  });

  test.each([
    ['adamite', 'Adamite', 'Intel Xeon Platinum 8259CL CPU'],
    ['standard-plus', 'Marble', 'Intel Xeon E5-2670 v2 (Ivy Bridge) - single threaded'],
    ['emerald', 'Emerald', 'Intel Xeon E5-2666 v3 (Haswell)'],
    ['test', 'HPC Test', ''],
  ])('%s (%s) is not', (code, name, cpu) => {
    expect(isGpuCoreType(realCoreType(code, name, cpu))).toBe(false);
  });

  test('a GPU count, when a record has one, decides (sizes as strings too)', () => {
    expect(isGpuCoreType(coreType.parse({ code: 'plain', name: 'Plain', gpusPerNode: '2' }))).toBe(true);
    expect(isGpuCoreType(coreType.parse({ code: 'gpu-off', name: 'GPU slot', gpuCount: 0 }))).toBe(false);
    expect(isGpuCoreType(coreType.parse({ code: 'x', name: 'X', gpuType: 'nvidia-a100' }))).toBe(true);
  });
});

describe('lists inside a record lose only their odd elements', () => {
  test('a version without a code costs that version, not the software entry', () => {
    const a = analysis.parse({ code: 'openfoam', versions: [{ version: 'broken' }, { version: '10', versionCode: '10.0', allowedCoreTypes: ['emerald', 7] }] });
    expect(a.versions).toEqual([{ version: '10', versionCode: '10.0', allowedCoreTypes: ['emerald'] }]);
  });

  test('core counts as numbers or digit strings; a file keeps its good checksums', () => {
    expect(coreType.parse({ code: 'emerald', name: 'Emerald', cores: [1, '2', 'x', -4, 8] }).cores).toEqual([1, 2, 8]);
    const f = fileRecord.parse({ id: 'XkpTse', name: 'a', fileChecksums: [{ hashFunction: 'sha512' }, { hashFunction: 'sha512', fileHash: 'ab' }] });
    expect(f.fileChecksums).toEqual([{ hashFunction: 'sha512', fileHash: 'ab' }]);
  });

  test('a job whose analysis lists an input with a bad id is still read; that input is dropped', () => {
    const j = jobRecord.parse({
      id: 'OsKBd',
      jobanalyses: [
        {
          command: 'x',
          inputFiles: [
            { id: '../a', name: 'a' },
            { id: 'duMEdg', name: 'b' },
          ],
        },
      ],
    });
    expect(j.jobanalyses[0]?.inputFiles).toEqual([{ id: 'duMEdg', name: 'b' }]);
  });
});

describe('job records', () => {
  test('hardware.coreType as a string or as an object reads as the code', () => {
    const v2 = jobRecord.parse({ id: 'OsKBd', jobanalyses: [{ hardware: { coreType: 'emerald', coresPerSlot: 4 } }] });
    const v3 = jobRecord.parse({ id: 'OsKBd', jobanalyses: [{ hardware: { coreType: { code: 'emerald', name: 'Emerald' }, coresPerSlot: 4 } }] });
    expect(v2.jobanalyses[0]?.hardware?.coreType).toBe('emerald');
    expect(v3.jobanalyses[0]?.hardware?.coreType).toBe('emerald');
  });
});

describe('errors for people', () => {
  test('DRF bodies name the field, nested too', () => {
    expect(describeDrfBody({ detail: 'Not found.' })).toEqual({ message: 'Not found.' });
    expect(describeDrfBody({ name: ['This field is required.'] })).toEqual({ message: 'name: This field is required.', field: 'name' });
    expect(describeDrfBody({ jobanalyses: [{ command: ["the 'interactive' flag must be present"] }] })).toEqual({
      message: "jobanalyses[0].command: the 'interactive' flag must be present",
      field: 'jobanalyses[0].command',
    });
  });

  test('status codes map to codes with advice', () => {
    const ctx = { host: 'platform.rescale.jp', what: 'list your files' };
    expect(classifyHttpError(401, { detail: 'Invalid token.' }, ctx).code).toBe('unauthorized');
    expect(classifyHttpError(401, {}, ctx).message).toMatch(/revoked|another platform/);
    expect(classifyHttpError(403, {}, ctx).code).toBe('forbidden');
    expect(classifyHttpError(404, {}, ctx).code).toBe('not_found');
    const limited = classifyHttpError(429, {}, { ...ctx, retryAfterMs: 7000 });
    expect(limited).toMatchObject({ code: 'rate_limited', retryAfterMs: 7000 });
    expect(limited.message).toContain('7 s');
    expect(classifyHttpError(503, {}, ctx).code).toBe('server_error');
    expect(classifyHttpError(400, { name: ['bad'] }, ctx)).toMatchObject({ code: 'invalid_input', field: 'name' });
  });

  test('network failures are offline or TLS/proxy, never raw', () => {
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'h').code).toBe('offline');
    expect(classifyNetworkError(new Error('wrapped', { cause: { code: 'ENOTFOUND' } }), 'h').code).toBe('offline');
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), 'h').code).toBe('tls_or_proxy');
  });

  test('Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.UTC(2015, 9, 21, 7, 28, 0))).toBe(10_000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe('request policy', () => {
  test('scopes follow the platform', () => {
    expect(scopeOf('POST', '/api/v2/jobs/abc/submit/')).toBe('job-submission');
    expect(scopeOf('GET', '/api/v2/jobs/abc/files/?page=2')).toBe('jobs-usage');
    expect(scopeOf('POST', '/api/v3/credentials/')).toBe('user');
    expect(scopeOf('GET', '/api/v2/coretypes/')).toBe('user');
  });
  test('Token for API keys, Bearer for JWT-shaped keys', () => {
    expect(authHeader('0123456789abcdef')).toBe('Token 0123456789abcdef');
    expect(authHeader('eyJhbGciOi.eyJzdWIi.sig')).toBe('Bearer eyJhbGciOi.eyJzdWIi.sig');
  });
  test('full-jitter backoff stays within its cap', () => {
    expect(backoffDelay(0, 500, 30_000, () => 1)).toBe(500);
    expect(backoffDelay(10, 500, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(0);
  });
});
