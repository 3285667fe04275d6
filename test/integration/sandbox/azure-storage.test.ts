import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { BlobSASPermissions, ContainerClient, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { azureCreds, azureUploadAndRegister, blobUrl, blockId, opensslDecryptBlob, putBlock, putBlockList, X_MS_VERSION } from './azure-helpers';
import { apiClient, listResults, pollUntil, type Obj } from './helpers';

let sb: RunningSandbox;
const api = () => apiClient(sb);
const fault = (spec: Record<string, unknown>) => api().post('/__sandbox/faults', spec);

beforeAll(async () => {
  sb = await startSandbox({ storage: 'azure', faults: true, jobSeconds: 1 });
});
afterEach(async () => {
  expect((await api().del('/__sandbox/faults')).status).toBe(204);
});
afterAll(async () => {
  await sb?.stop();
});

describe('Azure account shapes', () => {
  it('users/me names an AzureStorage default storage on the dev account', async () => {
    const me = await api().get('/api/v3/users/me/');
    expect(me.status).toBe(200);
    const ds = me.json['defaultStorage'] as Obj;
    expect(ds).toMatchObject({ storageType: 'AzureStorage', encryptionType: 'default' });
    expect(ds['connectionSettings']).toEqual({
      container: sb.bucket,
      pathBase: sb.storageDir,
      pathPartsBase: '',
      storageAccount: 'devstoreaccount1',
      accountName: 'devstoreaccount1',
      endpoint: sb.azureBlobEndpoint,
    });
    expect(sb.storageType).toBe('AzureStorage');
    expect(sb.azureBlobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
  });

  it('credentials answer a container SAS and, when asked, one SAS per path', async () => {
    const before = Date.now();
    const plain = await azureCreds(sb);
    expect(plain).toMatchObject({ storageType: 'AzureStorage', storageDir: sb.storageDir });
    expect(plain.paths).toBeUndefined();
    const q = new URLSearchParams(plain.sasToken);
    expect(q.get('sr')).toBe('c');
    expect(q.get('sig')).toBeTruthy();
    // The default lifetime (credentialTtlSeconds, 900 s) is both the SAS expiry and `expiration`.
    const se = Date.parse(q.get('se')!);
    expect(Date.parse(plain.expiration)).toBe(se);
    expect(se - before).toBeGreaterThan(890_000);
    expect(se - before).toBeLessThan(910_000);

    // Tokens issued back to back all keep the configured lifetime.
    const burst = await Promise.all(Array.from({ length: 20 }, () => azureCreds(sb)));
    for (const b of burst) expect(Math.abs(Date.parse(b.expiration) - (before + 900_000))).toBeLessThan(15_000);

    const p = `${sb.storageDir}/some/file.bin`;
    const withPaths = await azureCreds(sb, [p]);
    expect(withPaths.paths).toHaveLength(1);
    expect(withPaths.paths![0]).toMatchObject({ path: p, pathParts: { container: sb.bucket, path: p } });
    expect(new URLSearchParams(withPaths.paths![0]!.sasToken).get('sr')).toBe('b');

    const bad = await api().post('/api/v3/credentials/', { paths: [{ pathParts: { container: 'other', path: 'x' } }] });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Unknown storage container 'other'");
  });
});

describe('blobs through the proxy with sandbox SAS tokens', () => {
  it('raw Put Block + Put Block List + Get Blob succeed, and the proxy counts them', async () => {
    sb.resetStats();
    const c = await azureCreds(sb);
    const path = `${c.storageDir}/raw/blocks.bin`;
    const url = blobUrl(sb, path);
    const parts = [randomBytes(1000), randomBytes(2000), randomBytes(500)];
    const ids = parts.map((_, i) => blockId(i));
    for (const [i, p] of parts.entries()) expect((await putBlock(url, c.sasToken, ids[i]!, p)).status).toBe(201);
    const gl = await fetch(`${url}?comp=blocklist&blocklisttype=uncommitted&${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    expect(gl.status).toBe(200);
    expect((await gl.text()).match(/<Name>/g)).toHaveLength(3);
    expect((await putBlockList(url, c.sasToken, ids, { iv: 'AAAAAAAAAAAAAAAAAAAAAA==' })).status).toBe(201);
    const whole = await fetch(`${url}?${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    expect(Buffer.from(await whole.arrayBuffer()).equals(Buffer.concat(parts))).toBe(true);
    expect(whole.headers.get('x-ms-meta-iv')).toBe('AAAAAAAAAAAAAAAAAAAAAA==');
    const ranged = await fetch(`${url}?${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION, range: 'bytes=1000-1009' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(parts[1]!.subarray(0, 10))).toBe(true);
    const head = await fetch(`${url}?${c.sasToken}`, { method: 'HEAD', headers: { 'x-ms-version': X_MS_VERSION } });
    expect(head.headers.get('content-length')).toBe('3500');
    // Connection management is the proxy's own (20 s idle), never Azurite's pooled-socket 600 s.
    const headOf = (u: string) =>
      new Promise<IncomingHttpHeaders>((done, fail) => {
        httpRequest(u, { method: 'HEAD', headers: { 'x-ms-version': X_MS_VERSION } }, (r) => {
          r.resume();
          done(r.headers);
        })
          .on('error', fail)
          .end();
      });
    expect((await headOf(`${url}?${c.sasToken}`))['keep-alive']).toBe('timeout=20');
    expect((await headOf(`${url.replace(sb.azureBlobEndpoint!, sb.azureAdmin!.directEndpoint)}?${c.sasToken}`))['keep-alive']).toBe('timeout=600');
    // A retried block counts twice under its id.
    expect((await putBlock(url, c.sasToken, ids[0]!, parts[0]!)).status).toBe(201);

    const s = sb.stats();
    expect(s.azure).toMatchObject({ PutBlock: 4, GetBlockList: 1, PutBlockList: 1, GetBlob: 2, GetBlobProperties: 2 });
    expect(s.azureRangedGets).toBe(1);
    expect(s.azureBlocks[`${sb.bucket}/${path}`]).toEqual({ [ids[0]!]: 2, [ids[1]!]: 1, [ids[2]!]: 1 });
    expect((await api().get('/__sandbox/stats')).json['azure']).toEqual(s.azure);
  });

  it('the @azure/storage-blob SDK works through the proxy with the SAS (staged blocks, ranged download)', async () => {
    sb.resetStats();
    const c = await azureCreds(sb);
    const container = new ContainerClient(`${sb.azureBlobEndpoint!}/${sb.bucket}?${c.sasToken}`);
    const blob = container.getBlockBlobClient(`${c.storageDir}/sdk/data.bin`);
    const data = randomBytes(5 * 256 * 1024 + 7);
    await blob.uploadData(data, { blockSize: 256 * 1024, maxSingleShotSize: 256 * 1024, concurrency: 3, metadata: { iv: 'AAAAAAAAAAAAAAAAAAAAAA==' } });
    const props = await blob.getProperties();
    expect(props.contentLength).toBe(data.length);
    expect(props.metadata).toEqual({ iv: 'AAAAAAAAAAAAAAAAAAAAAA==' });
    const part = await blob.downloadToBuffer(300_000, 1000);
    expect(part.equals(data.subarray(300_000, 301_000))).toBe(true);
    const s = sb.stats();
    expect(s.azure['PutBlock']).toBe(6);
    expect(s.azure['PutBlockList']).toBe(1);
    expect(Object.values(s.azureBlocks[`${sb.bucket}/${c.storageDir}/sdk/data.bin`] ?? {})).toEqual([1, 1, 1, 1, 1, 1]);
    expect(s.azureRangedGets).toBeGreaterThanOrEqual(1);
  });

  it('a per-path SAS reaches its blob only', async () => {
    const p = `${sb.storageDir}/only/this.bin`;
    const c = await azureCreds(sb, [p]);
    const sas = c.paths![0]!.sasToken;
    const put = await fetch(`${blobUrl(sb, p)}?${sas}`, { method: 'PUT', body: 'x', headers: { 'x-ms-version': X_MS_VERSION, 'x-ms-blob-type': 'BlockBlob' } });
    expect(put.status).toBe(201);
    const other = await fetch(`${blobUrl(sb, `${sb.storageDir}/only/other.bin`)}?${sas}`, {
      method: 'PUT',
      body: 'x',
      headers: { 'x-ms-version': X_MS_VERSION, 'x-ms-blob-type': 'BlockBlob' },
    });
    expect(other.status).toBe(403);
  });

  it("a container SAS reaches only the user's storageDir (stricter than Azure, like the S3 keys)", async () => {
    const c = await azureCreds(sb);
    const outside = await putBlock(blobUrl(sb, 'elsewhere/a.bin'), c.sasToken, blockId(0), Buffer.from('x'));
    expect(outside.status).toBe(403);
    expect(outside.headers.get('x-ms-error-code')).toBe('AuthorizationFailure');
    expect(await outside.text()).toContain(`reaches only blobs under '${sb.storageDir}/'`);
    const list = (prefix: string) =>
      fetch(`${sb.azureBlobEndpoint!}/${sb.bucket}?restype=container&comp=list&prefix=${encodeURIComponent(prefix)}&${c.sasToken}`, {
        headers: { 'x-ms-version': X_MS_VERSION },
      });
    expect((await list('user/')).status).toBe(403);
    const mine = await list(`${sb.storageDir}/`);
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain('<EnumerationResults');
    expect(sb.stats().azureOutOfScope).toBeGreaterThanOrEqual(2);
  });

  it('a revoked SAS gets 403 AuthenticationFailed at the proxy; fresh credentials work', async () => {
    const c = await azureCreds(sb);
    const url = blobUrl(sb, `${c.storageDir}/revoke/a.bin`);
    expect((await putBlock(url, c.sasToken, blockId(0), Buffer.from('abc'))).status).toBe(201);
    const r = await fault({ expireCredentials: true });
    expect(r.status).toBe(201);
    expect(r.json['expiredCredentials']).toBeGreaterThanOrEqual(1);
    const refusedPut = await putBlock(url, c.sasToken, blockId(1), Buffer.from('def'));
    expect(refusedPut.status).toBe(403);
    expect(refusedPut.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    expect(await refusedPut.text()).toContain('<Code>AuthenticationFailed</Code>');
    expect(sb.stats().azureRevokedSas).toBeGreaterThanOrEqual(1);
    // Issued within the same second as the revoked one, yet a different token.
    const fresh = await azureCreds(sb);
    expect(fresh.sasToken).not.toBe(c.sasToken);
    expect((await putBlock(url, fresh.sasToken, blockId(1), Buffer.from('def'))).status).toBe(201);
  });

  it("an expired SAS gets Azure's 403 AuthenticationFailed at the proxy", async () => {
    const a = sb.azureAdmin!;
    const old = generateBlobSASQueryParameters(
      {
        containerName: sb.bucket,
        permissions: BlobSASPermissions.parse('r'),
        blobName: 'x',
        startsOn: new Date(Date.now() - 120_000),
        expiresOn: new Date(Date.now() - 60_000),
      },
      new StorageSharedKeyCredential(a.accountName, a.accountKey),
    ).toString();
    const before = sb.stats().azureExpiredSas;
    const res = await fetch(`${blobUrl(sb, 'x')}?${old}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
    expect(await res.text()).toContain('Signature not valid in the specified time frame: Start [');
    expect(sb.stats().azureExpiredSas).toBe(before + 1);
    // Azurite would refuse it too (with its own code): the proxy only answers first, as Azure words it.
    const direct = await fetch(`${a.directEndpoint}/${sb.bucket}/x?${old}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    expect(direct.status).toBe(403);
  });
});

describe('SAS lifetime', () => {
  it('credentialTtlSeconds sets the SAS expiry; once passed, the proxy refuses it', async () => {
    const short = await startSandbox({ storage: 'azure', credentialTtlSeconds: 2 });
    try {
      const c = await azureCreds(short);
      const url = blobUrl(short, `${c.storageDir}/ttl.bin`);
      expect((await putBlock(url, c.sasToken, blockId(0), Buffer.from('a'))).status).toBe(201);
      const refusedRes = await pollUntil(
        async () => {
          const r = await putBlock(url, c.sasToken, blockId(1), Buffer.from('b'));
          return r.status === 201 ? undefined : r;
        },
        30_000,
        250,
      );
      expect(refusedRes.status).toBe(403);
      expect(refusedRes.headers.get('x-ms-error-code')).toBe('AuthenticationFailed');
      expect(short.stats().azureExpiredSas).toBe(1);
    } finally {
      await short.stop();
    }
  });
});

describe('faults on the blob side', () => {
  it('503 ServerBusy with Azure error XML, once', async () => {
    const c = await azureCreds(sb);
    const url = blobUrl(sb, `${c.storageDir}/faults/busy.bin`);
    expect((await fault({ op: 'PutBlock', status: 503, times: 1, retryAfter: 1 })).status).toBe(201);
    const busy = await putBlock(url, c.sasToken, blockId(0), Buffer.from('abc'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('x-ms-error-code')).toBe('ServerBusy');
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.text()).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?><Error><Code>ServerBusy<\/Code><Message>[^<]*RequestId:/);
    expect((await putBlock(url, c.sasToken, blockId(0), Buffer.from('abc'))).status).toBe(201);
  });

  it('a Put Block cut mid-body leaves no block behind', async () => {
    const c = await azureCreds(sb);
    const url = blobUrl(sb, `${c.storageDir}/faults/cut.bin`);
    await fault({ op: 'PutBlock', cutAfterBytes: 64 * 1024, times: 1 });
    await expect(putBlock(url, c.sasToken, blockId(0), randomBytes(1 << 20))).rejects.toThrow();
    const gl = await fetch(`${url}?comp=blocklist&blocklisttype=all&${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    // No blob and no staged block: Azure answers 404 BlobNotFound for a name with nothing staged.
    expect(gl.status).toBe(404);
  });

  it('a Get Blob cut mid-response', async () => {
    const { blobPath } = await azureUploadAndRegister(sb, 'cut-get.bin', randomBytes(300_000));
    const c = await azureCreds(sb);
    await fault({ op: 'GetBlob', cutAfterBytes: 1000, times: 1 });
    const res = await fetch(`${blobUrl(sb, blobPath)}?${c.sasToken}`, { headers: { 'x-ms-version': X_MS_VERSION } });
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe('files and jobs on an Azure account', () => {
  it('registration checks the blob; the file decrypts with openssl and through /contents/', async () => {
    const plain = randomBytes(2_500_000);
    const { record, blobPath, enc } = await azureUploadAndRegister(sb, 'data.bin', plain);
    expect(enc.parts.length).toBe(3);
    expect(record['storage']).toMatchObject({ storageType: 'AzureStorage', connectionSettings: { accountName: 'devstoreaccount1' } });
    expect(record['pathParts']).toEqual({ container: sb.bucket, path: blobPath });
    expect((await opensslDecryptBlob(sb, blobPath, String(record['encodedEncryptionKey']))).equals(plain)).toBe(true);
    const res = await fetch(`${sb.apiUrl}/api/v2/files/${String(record['id'])}/contents/`, {
      headers: { authorization: `Token ${sb.token}`, range: 'bytes=100-199' },
    });
    expect(res.status).toBe(206);
    expect(Buffer.from(await res.arrayBuffer()).equals(plain.subarray(100, 200))).toBe(true);

    const missing = await api().post('/api/v3/files/', { ...registrationOf(record), pathParts: { container: sb.bucket, path: `${sb.storageDir}/nope` } });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain(`No blob at '${sb.storageDir}/nope'`);

    expect((await api().del(`/api/v3/files/${String(record['id'])}/`)).status).toBe(204);
    const c = await azureCreds(sb);
    expect((await fetch(`${blobUrl(sb, blobPath)}?${c.sasToken}`, { method: 'HEAD', headers: { 'x-ms-version': X_MS_VERSION } })).status).toBe(404);
  });

  it('a blob without iv metadata cannot be registered', async () => {
    const c = await azureCreds(sb);
    const p = `${c.storageDir}/noiv.bin`;
    const put = await fetch(`${blobUrl(sb, p)}?${c.sasToken}`, {
      method: 'PUT',
      body: randomBytes(16),
      headers: { 'x-ms-version': X_MS_VERSION, 'x-ms-blob-type': 'BlockBlob' },
    });
    expect(put.status).toBe(201);
    const res = await api().post('/api/v3/files/', {
      name: 'noiv.bin',
      pathParts: { container: sb.bucket, path: p },
      decryptedSize: 0,
      encodedEncryptionKey: randomBytes(32).toString('base64'),
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("has no 'iv' metadata");
  });

  it('a simulated job writes its outputs as blobs with iv metadata that decrypt', async () => {
    const job = await api().post('/api/v2/jobs/', {
      name: 'azure outputs',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    expect(job.status, job.text).toBe(201);
    const id = String(job.json['id']);
    expect((await api().post(`/api/v2/jobs/${id}/submit/`)).status).toBe(200);
    const files = await pollUntil(async () => {
      const r = listResults(await api().get(`/api/v2/jobs/${id}/files/`));
      return r.length >= 2 ? r : undefined;
    }, 30_000);
    expect(files.map((f) => f['name'])).toEqual(['process_output.log', 'result.txt']);
    for (const f of files) {
      const pp = f['pathParts'] as Obj;
      expect(f['storage']).toMatchObject({ storageType: 'AzureStorage' });
      expect(pp['path']).toBe(`${sb.storageDir}/output/job_${id}/run1/${String(f['name'])}`);
      const out = await opensslDecryptBlob(sb, String(pp['path']), String(f['encodedEncryptionKey']));
      expect(out.length).toBe(Number(f['decryptedSize']));
      expect(createHash('sha512').update(out).digest('hex')).toBe((f['fileChecksums'] as Obj[])[0]!['fileHash']);
    }
    const log = await fetch(`${sb.apiUrl}/api/v2/files/${String(files[0]!['id'])}/contents/`, { headers: { authorization: `Token ${sb.token}` } });
    expect(await log.text()).toContain(`simulated run for job ${id}`);
  });
});

function registrationOf(record: Obj): Obj {
  const { name, encodedEncryptionKey, decryptedSize } = record;
  return { name: name!, encodedEncryptionKey: encodedEncryptionKey!, decryptedSize: decryptedSize! };
}
