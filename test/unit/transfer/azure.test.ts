// The Azure back end's pure parts: block ids, untrusted blob locations, which SAS a request
// carries, where the blob service is, how Azure's errors are classified, and how per-blob SAS
// tokens are cached.
import { describe, expect, it } from 'vitest';
import { resolvePlatform } from '../../../main/core/platforms';
import { azureEndpointFor } from '../../../main/core/rescale/storage-azure';
import { CredentialCache } from '../../../main/core/transfer/credentials';
import type { AzureCredentials, RemoteFile, RescaleStorage, StorageCredentials } from '../../../main/core/transfer/ports';
import { azureError, azureUrl, checkBlobPlace, sasFor } from '../../../main/core/transfer/worker/azure-direct';
import { azureBackend, blockId } from '../../../main/core/transfer/worker/azure-control';
import type { AzureLoc } from '../../../main/core/transfer/worker/protocol';
import { classifyError } from '../../../main/core/transfer/worker/s3';

const creds = (over: Partial<AzureCredentials> = {}): AzureCredentials => ({
  kind: 'azure',
  endpoint: 'https://acct.blob.core.windows.net',
  sasToken: 'sv=2021-12-02&sig=container',
  pathSas: {},
  expiresAt: Date.now() + 3_600_000,
  ...over,
});
const loc = (key: string, over: Partial<AzureCredentials> = {}, bucket = 'files'): AzureLoc => ({ creds: creds(over), bucket, key });

describe('block ids', () => {
  it('have one length for every part, name the part, and change with its content', () => {
    const a = Buffer.alloc(16, 1);
    const ids = [1, 9, 10, 999, 10_000].map((n) => blockId(n, a));
    expect(new Set(ids.map((i) => i.length)).size).toBe(1);
    expect(Buffer.from(ids[3] as string, 'base64').toString('latin1')).toBe(`00999-${a.toString('hex')}`);
    expect(blockId(1, Buffer.alloc(16, 2))).not.toBe(ids[0]);
  });

  it('a staged block is adopted on resume only if it is exactly the part', () => {
    const last = Buffer.alloc(16, 7);
    expect(azureBackend.samePart(blockId(3, last), 3, Buffer.alloc(0), last)).toBe(true);
    expect(azureBackend.samePart(blockId(3, last), 4, Buffer.alloc(0), last)).toBe(false);
    expect(azureBackend.samePart(blockId(3, last), 3, Buffer.alloc(0), Buffer.alloc(16, 8))).toBe(false);
  });
});

describe('blob locations from records (untrusted)', () => {
  it('accepts Rescale-style paths and escapes each segment', () => {
    expect(azureUrl(loc('user/user_ab/データ #1?.bin-Xy')).toString()).toBe(
      'https://acct.blob.core.windows.net/files/user/user_ab/%E3%83%87%E3%83%BC%E3%82%BF%20%231%3F.bin-Xy',
    );
    expect(azureUrl({ ...loc('a/b'), creds: creds({ endpoint: 'http://127.0.0.1:10000/devstoreaccount1' }) }).toString()).toBe(
      'http://127.0.0.1:10000/devstoreaccount1/files/a/b',
    );
  });

  it.each([
    ['files', '../other/x', /not a valid blob path/],
    ['files', 'a//b', /not a valid blob path/],
    ['files', 'a/./b', /not a valid blob path/],
    ['files', '', /not a valid blob path/],
    ['files', 'a\\b', /not a valid blob path/],
    ['files', 'a\nb', /not a valid blob path/],
    ['Files', 'a', /not a valid Azure container name/],
    ['a--b', 'a', /not a valid Azure container name/],
    ['x', 'a', /not a valid Azure container name/],
    ['../x', 'a', /not a valid Azure container name/],
  ])('refuses container %j path %j', (container, path, why) => {
    expect(() => checkBlobPlace(container, path)).toThrow(why);
  });
});

describe('SAS per request', () => {
  it('a per-blob token wins over the container token; others use the container token', () => {
    const c = { pathSas: { 'files/a/b': 'sig=blob' } };
    expect(sasFor(loc('a/b', c))).toBe('sig=blob');
    expect(sasFor(loc('a/c', c))).toBe('sv=2021-12-02&sig=container');
    expect(sasFor(loc('a/b', { sasToken: '?sig=q' }))).toBe('sig=q');
  });
});

describe('blob service endpoint', () => {
  const real = resolvePlatform({ kind: 'known', id: 'rescale-com' });
  it("is the storage account's on a real platform, whatever a record names", () => {
    expect(azureEndpointFor(real, { accountName: 'rescaleeast', endpoint: 'http://127.0.0.1:1/evil' })).toBe('https://rescaleeast.blob.core.windows.net');
    expect(azureEndpointFor(real, { storageAccount: 'acct2' })).toBe('https://acct2.blob.core.windows.net');
    expect(() => azureEndpointFor(real, { accountName: 'evil.example.com/x' })).toThrow(/no valid storage account/);
    expect(() => azureEndpointFor(real, {})).toThrow(/no valid storage account/);
  });

  it("is the sandbox platform's loopback endpoint, and never a remote one", () => {
    const sb = resolvePlatform({
      kind: 'sandbox',
      apiUrl: 'http://127.0.0.1:5000',
      s3Endpoint: 'http://127.0.0.1:5001',
      azureBlobEndpoint: 'http://127.0.0.1:5002/devstoreaccount1/',
    });
    expect(azureEndpointFor(sb, { accountName: 'devstoreaccount1' })).toBe('http://127.0.0.1:5002/devstoreaccount1');
    expect(() =>
      resolvePlatform({
        kind: 'sandbox',
        apiUrl: 'http://127.0.0.1:5000',
        s3Endpoint: 'http://127.0.0.1:5001',
        azureBlobEndpoint: 'https://evil.example.com/x',
      }),
    ).toThrow(/must be on this machine/);
    // A sandbox reached by URL may name its loopback blob endpoint in its records (as for S3).
    const byUrl = resolvePlatform({ kind: 'custom', apiUrl: 'http://127.0.0.1:5000' });
    expect(azureEndpointFor(byUrl, { accountName: 'devstoreaccount1', endpoint: 'http://127.0.0.1:5002/devstoreaccount1' })).toBe(
      'http://127.0.0.1:5002/devstoreaccount1',
    );
    expect(azureEndpointFor(byUrl, { accountName: 'devstoreaccount1', endpoint: 'https://evil.example.com' })).toBe(
      'https://devstoreaccount1.blob.core.windows.net',
    );
  });
});

describe("Azure's errors", () => {
  const signal = new AbortController().signal;
  it('an expired SAS refreshes credentials; busy is retried; a missing blob fails with a clear message', () => {
    const auth = classifyError(
      azureError(403, 'AuthenticationFailed', '<Error><Code>AuthenticationFailed</Code><Message>Signature not valid</Message></Error>'),
      signal,
    );
    expect(auth).toMatchObject({ code: 'credentials_expired', credentials: true });
    expect(
      classifyError(azureError(503, undefined, '<?xml version="1.0"?><Error><Code>ServerBusy</Code><Message>busy</Message></Error>'), signal),
    ).toMatchObject({ retryable: true, code: 'storage_error' });
    expect(classifyError(azureError(500, 'OperationTimedOut', ''), signal)).toMatchObject({ retryable: true });
    const missing = classifyError(azureError(404, 'BlobNotFound', ''), signal);
    expect(missing).toMatchObject({ code: 'not_found', retryable: false });
    expect(missing.message).toMatch(/missing from storage \(BlobNotFound\)/);
  });
});

describe('per-blob SAS tokens in the credential cache', () => {
  const file = (path: string): RemoteFile => ({
    id: path,
    name: path,
    decryptedSize: 1,
    encodedEncryptionKey: '',
    fileChecksums: [],
    pathParts: { container: 'files', path: `user/user_other/${path}` },
    storage: { id: 's', storageType: 'AzureStorage', connectionSettings: {} },
  });

  it('asks again for a blob its cached tokens do not cover, and keeps the tokens it had', async () => {
    const asked: string[] = [];
    const storage: Pick<RescaleStorage, 'credentials'> = {
      credentials: async (f?: RemoteFile): Promise<StorageCredentials> => {
        asked.push(f?.pathParts.path ?? 'default');
        return creds({ sasToken: '', pathSas: { [`files/${f?.pathParts.path}`]: `sig=${f?.id}` } });
      },
    };
    const cache = new CredentialCache(storage as RescaleStorage);
    const a = (await cache.get(file('a'))) as AzureCredentials;
    expect(await cache.get(file('a'))).toBe(a); // covered: no request
    const b = (await cache.get(file('b'))) as AzureCredentials;
    expect(asked).toEqual(['user/user_other/a', 'user/user_other/b']);
    expect(b.pathSas).toEqual({ 'files/user/user_other/a': 'sig=a', 'files/user/user_other/b': 'sig=b' });
    expect(await cache.get(file('a'))).toBe(b);
  });
});
