import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  type S3Client as S3ClientType,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { issueCreds, pollUntil, s3Client, sessionClient, type IssuedCreds } from './helpers';
import { sign, signedChunks } from './signer';

let sb: RunningSandbox;
let admin: S3ClientType;
let creds: IssuedCreds;
let user: S3ClientType;
const key = (name: string) => `${creds.storageDir}/${name}`;

async function errorOf(p: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sb = await startSandbox();
  admin = s3Client(sb, sb.s3Admin);
  creds = await issueCreds(sb);
  user = sessionClient(sb, creds);
});
afterAll(async () => {
  admin?.destroy();
  user?.destroy();
  await sb?.stop();
});

describe('SigV4 verification', () => {
  it('rejects a wrong secret with SignatureDoesNotMatch (403)', async () => {
    const bad = s3Client(sb, { accessKeyId: creds.accessKey, secretAccessKey: 'x'.repeat(40), sessionToken: creds.sessionToken });
    expect(await errorOf(bad.send(new PutObjectCommand({ Bucket: sb.bucket, Key: key('a'), Body: 'x' })))).toEqual({
      name: 'SignatureDoesNotMatch',
      status: 403,
    });
    const badAdmin = s3Client(sb, { ...sb.s3Admin, secretAccessKey: 'nope' });
    expect((await errorOf(badAdmin.send(new ListObjectsV2Command({ Bucket: sb.bucket })))).name).toBe('SignatureDoesNotMatch');
    expect(sb.stats().s3['PutObject']).toBeGreaterThan(0);
    expect((await errorOf(user.send(new HeadObjectCommand({ Bucket: sb.bucket, Key: key('a') })))).status).toBe(404);
  });

  it('rejects unknown keys, wrong session tokens, other prefixes and the wrong region', async () => {
    const unknown = s3Client(sb, { accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' });
    expect((await errorOf(unknown.send(new ListObjectsV2Command({ Bucket: sb.bucket })))).name).toBe('InvalidAccessKeyId');
    const wrongToken = s3Client(sb, { accessKeyId: creds.accessKey, secretAccessKey: creds.secretKey, sessionToken: 'bogus' });
    expect((await errorOf(wrongToken.send(new GetObjectCommand({ Bucket: sb.bucket, Key: key('a') })))).name).toBe('InvalidToken');
    expect((await errorOf(user.send(new PutObjectCommand({ Bucket: sb.bucket, Key: 'user/someone_else/x', Body: 'x' })))).name).toBe('AccessDenied');
    expect((await errorOf(user.send(new ListObjectsV2Command({ Bucket: sb.bucket, Prefix: 'user/' })))).name).toBe('AccessDenied');
    expect((await errorOf(user.send(new ListBucketsCommand({})))).name).toBe('AccessDenied');
    const wrongRegion = new S3Client({ endpoint: sb.s3Endpoint, region: 'eu-west-1', forcePathStyle: true, credentials: sb.s3Admin, maxAttempts: 1 });
    expect((await errorOf(wrongRegion.send(new ListObjectsV2Command({ Bucket: sb.bucket })))).name).toBe('AuthorizationHeaderMalformed');
    wrongRegion.destroy();
  });

  it('names the bucket region on region errors, in x-amz-bucket-region (HEAD too, which has no body) and <Region>', async () => {
    await admin.send(new PutObjectCommand({ Bucket: sb.bucket, Key: 'region/probe', Body: 'x' }));
    const url = new URL(`${sb.s3Endpoint}/${sb.bucket}/region/probe`);
    for (const method of ['HEAD', 'GET']) {
      const s = sign({ ...sb.s3Admin, method, url, headers: {}, payloadHash: 'UNSIGNED-PAYLOAD', region: 'us-west-2' });
      const res = await fetch(url, { method, headers: s.headers });
      const text = await res.text();
      expect({ method, status: res.status, region: res.headers.get('x-amz-bucket-region') }).toEqual({ method, status: 400, region: sb.region });
      if (method === 'GET') expect(text).toContain(`<Region>${sb.region}</Region>`);
    }
  });

  it('accepts presigned GET/PUT URLs and refuses tampered or expired ones', async () => {
    const body = randomBytes(5000);
    const putUrl = await getSignedUrl(user, new PutObjectCommand({ Bucket: sb.bucket, Key: key('presigned') }), { expiresIn: 60 });
    expect((await fetch(putUrl, { method: 'PUT', body })).status).toBe(200);
    const getUrl = await getSignedUrl(user, new GetObjectCommand({ Bucket: sb.bucket, Key: key('presigned') }), { expiresIn: 60 });
    const got = await fetch(getUrl);
    expect(Buffer.from(await got.arrayBuffer()).equals(body)).toBe(true);
    const tampered = getUrl.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === 'a' ? 'b' : 'a'}`);
    const t = await fetch(tampered);
    expect(t.status).toBe(403);
    expect(await t.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const old = await getSignedUrl(user, new GetObjectCommand({ Bucket: sb.bucket, Key: key('presigned') }), {
      expiresIn: 60,
      signingDate: new Date(Date.now() - 3600_000),
    });
    const e = await fetch(old);
    expect(e.status).toBe(403);
    expect(await e.text()).toContain('Request has expired');
  });
});

describe('payload integrity', () => {
  it('rejects a body that does not match x-amz-content-sha256 and keeps nothing', async () => {
    const c = s3Client(sb, sb.s3Admin);
    // Swap the body after the SDK has signed its sha256.
    type Args = { request: { body?: unknown } };
    const tamper = (next: (a: Args) => Promise<unknown>) => async (args: Args) => {
      const body = args.request.body;
      if (body instanceof Uint8Array) args.request.body = Buffer.alloc(body.length, 0x41);
      return next(args);
    };
    c.middlewareStack.addRelativeTo(tamper as never, { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'tamperBody' });
    const err = await errorOf(c.send(new PutObjectCommand({ Bucket: sb.bucket, Key: 'tamper/x', Body: randomBytes(1000) })));
    expect(err).toEqual({ name: 'XAmzContentSHA256Mismatch', status: 400 });
    expect((await errorOf(admin.send(new HeadObjectCommand({ Bucket: sb.bucket, Key: 'tamper/x' })))).status).toBe(404);
    c.destroy();
  });

  it('stores the decoded bytes of an aws-chunked upload with a CRC32 trailer (SDK defaults)', async () => {
    const data = randomBytes(3_000_000);
    const sdkDefaults = new S3Client({ endpoint: sb.s3Endpoint, region: sb.region, forcePathStyle: true, credentials: sb.s3Admin, maxAttempts: 1 });
    await sdkDefaults.send(new PutObjectCommand({ Bucket: sb.bucket, Key: 'chunked/trailer', Body: Readable.from([data]), ContentLength: data.length }));
    sdkDefaults.destroy();
    const got = await admin.send(new GetObjectCommand({ Bucket: sb.bucket, Key: 'chunked/trailer' }));
    expect(got.ContentLength).toBe(data.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
  });

  it('decodes STREAMING-AWS4-HMAC-SHA256-PAYLOAD and refuses a bad chunk signature', async () => {
    const data = randomBytes(200_000);
    const put = async (k: string, corrupt: number) => {
      const url = new URL(`${sb.s3Endpoint}/${sb.bucket}/${k}`);
      const s = sign({
        ...sb.s3Admin,
        method: 'PUT',
        url,
        payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        region: sb.region,
        headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length) },
      });
      const body = signedChunks(data, 65536, s, corrupt);
      return fetch(url, { method: 'PUT', headers: { ...s.headers, 'content-length': String(body.length) }, body });
    };
    expect((await put('chunked/signed', -1)).status).toBe(200);
    const got = await admin.send(new GetObjectCommand({ Bucket: sb.bucket, Key: 'chunked/signed' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    const bad = await put('chunked/bad', 2);
    expect(bad.status).toBe(403);
    expect(await bad.text()).toContain('SignatureDoesNotMatch');
    expect((await errorOf(admin.send(new HeadObjectCommand({ Bucket: sb.bucket, Key: 'chunked/bad' })))).status).toBe(404);
  });
});

describe('objects, ranges and listings', () => {
  it('returns user metadata lower-cased and serves a, a-b and suffix ranges', async () => {
    const data = randomBytes(100_000);
    await user.send(new PutObjectCommand({ Bucket: sb.bucket, Key: key('ranged'), Body: data, Metadata: { IV: 'abc==', Other: 'x' } }));
    const head = await user.send(new HeadObjectCommand({ Bucket: sb.bucket, Key: key('ranged') }));
    expect(head.Metadata).toEqual({ iv: 'abc==', other: 'x' });
    expect(head.ContentLength).toBe(data.length);
    const range = async (r: string) => {
      const g = await user.send(new GetObjectCommand({ Bucket: sb.bucket, Key: key('ranged'), Range: r }));
      return { bytes: Buffer.from(await g.Body!.transformToByteArray()), cr: g.ContentRange };
    };
    expect(await range('bytes=10-19')).toEqual({ bytes: data.subarray(10, 20), cr: `bytes 10-19/${data.length}` });
    expect(await range('bytes=99990-')).toEqual({ bytes: data.subarray(99990), cr: `bytes 99990-99999/${data.length}` });
    expect(await range('bytes=-100')).toEqual({ bytes: data.subarray(-100), cr: `bytes 99900-99999/${data.length}` });
    expect((await errorOf(range('bytes=100000-'))).status).toBe(416);
  });

  it('lists with prefix, delimiter, max-keys and continuation tokens (v2) and markers (v1)', async () => {
    const names = ['list/a/1', 'list/a/2', 'list/b', 'list/c/1', 'list/d', 'list/e'];
    for (const n of names) await admin.send(new PutObjectCommand({ Bucket: sb.bucket, Key: n, Body: n }));
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await admin.send(new ListObjectsV2Command({ Bucket: sb.bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(page.CommonPrefixes ?? []).map((p) => p.Prefix!), ...(page.Contents ?? []).map((c) => c.Key!));
      expect((page.KeyCount ?? 0) <= 2).toBe(true);
      token = page.NextContinuationToken;
    } while (token);
    expect(seen.sort()).toEqual(['list/a/', 'list/b', 'list/c/', 'list/d', 'list/e']);
    const flat = await admin.send(new ListObjectsV2Command({ Bucket: sb.bucket, Prefix: 'list/a/' }));
    expect(flat.Contents?.map((c) => c.Key)).toEqual(['list/a/1', 'list/a/2']);
    const v1 = await admin.send(new ListObjectsCommand({ Bucket: sb.bucket, Prefix: 'list/', MaxKeys: 4 }));
    expect(v1.IsTruncated).toBe(true);
    const v1b = await admin.send(new ListObjectsCommand({ Bucket: sb.bucket, Prefix: 'list/', Marker: v1.Contents!.at(-1)!.Key }));
    expect([...v1.Contents!, ...v1b.Contents!].map((c) => c.Key)).toEqual(names);
    await admin.send(new DeleteObjectsCommand({ Bucket: sb.bucket, Delete: { Objects: names.map((Key) => ({ Key })) } }));
    expect((await admin.send(new ListObjectsV2Command({ Bucket: sb.bucket, Prefix: 'list/' }))).KeyCount).toBe(0);
  });
});

describe('multipart uploads', () => {
  const part = (n: number) => Buffer.alloc(5 << 20, n);

  it('verifies every listed part and its ETag, then serves the parts as one object', async () => {
    const k = key('mpu');
    const { UploadId } = await user.send(new CreateMultipartUploadCommand({ Bucket: sb.bucket, Key: k, Metadata: { iv: 'q' } }));
    const p1 = await user.send(new UploadPartCommand({ Bucket: sb.bucket, Key: k, UploadId, PartNumber: 1, Body: part(1) }));
    const p2 = await user.send(new UploadPartCommand({ Bucket: sb.bucket, Key: k, UploadId, PartNumber: 2, Body: Buffer.from('tail') }));
    const listed = await user.send(new ListPartsCommand({ Bucket: sb.bucket, Key: k, UploadId }));
    expect(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, 5 << 20, p1.ETag],
      [2, 4, p2.ETag],
    ]);
    const uploads = await admin.send(new ListMultipartUploadsCommand({ Bucket: sb.bucket }));
    expect(uploads.Uploads?.some((u) => u.UploadId === UploadId)).toBe(true);
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      user.send(new CompleteMultipartUploadCommand({ Bucket: sb.bucket, Key: k, UploadId, MultipartUpload: { Parts } }));
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 2, ETag: '"0123"' },
          ]),
        )
      ).name,
    ).toBe('InvalidPart');
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 1, ETag: p1.ETag },
            { PartNumber: 3, ETag: p2.ETag },
          ]),
        )
      ).name,
    ).toBe('InvalidPart');
    expect(
      (
        await errorOf(
          complete([
            { PartNumber: 2, ETag: p2.ETag },
            { PartNumber: 1, ETag: p1.ETag },
          ]),
        )
      ).name,
    ).toBe('InvalidPartOrder');
    const done = await complete([
      { PartNumber: 1, ETag: p1.ETag },
      { PartNumber: 2, ETag: p2.ETag },
    ]);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    const got = await user.send(new GetObjectCommand({ Bucket: sb.bucket, Key: k, Range: `bytes=${(5 << 20) - 2}-` }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).toString('latin1')).toBe('\x01\x01tail');
    expect(got.Metadata).toEqual({ iv: 'q' });
    expect((await errorOf(complete([{ PartNumber: 1, ETag: p1.ETag }]))).name).toBe('NoSuchUpload');
  });

  it('refuses small non-final parts and forgets aborted uploads', async () => {
    const k = key('small');
    const { UploadId } = await user.send(new CreateMultipartUploadCommand({ Bucket: sb.bucket, Key: k }));
    const a = await user.send(new UploadPartCommand({ Bucket: sb.bucket, Key: k, UploadId, PartNumber: 1, Body: 'tiny' }));
    const b = await user.send(new UploadPartCommand({ Bucket: sb.bucket, Key: k, UploadId, PartNumber: 2, Body: 'tiny' }));
    const parts = [
      { PartNumber: 1, ETag: a.ETag },
      { PartNumber: 2, ETag: b.ETag },
    ];
    expect(
      (await errorOf(user.send(new CompleteMultipartUploadCommand({ Bucket: sb.bucket, Key: k, UploadId, MultipartUpload: { Parts: parts } })))).name,
    ).toBe('EntityTooSmall');
    await user.send(new AbortMultipartUploadCommand({ Bucket: sb.bucket, Key: k, UploadId }));
    expect((await errorOf(user.send(new ListPartsCommand({ Bucket: sb.bucket, Key: k, UploadId })))).name).toBe('NoSuchUpload');
    await user.send(new DeleteObjectCommand({ Bucket: sb.bucket, Key: k }));
  });
});

describe('hashing on worker threads', () => {
  it('gives the same ETags and checks the same digests as the event loop', async () => {
    const w = await startSandbox({ hashWorkers: 2 });
    try {
      const s3 = s3Client(w, w.s3Admin);
      const body = randomBytes((5 << 20) + 333);
      const put = await s3.send(new PutObjectCommand({ Bucket: w.bucket, Key: 'w/one', Body: body }));
      expect(put.ETag).toBe(`"${createHash('md5').update(body).digest('hex')}"`);
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: w.bucket, Key: 'w/mpu' }));
      const parts = await Promise.all(
        [body, Buffer.from('tail')].map((Body, i) => s3.send(new UploadPartCommand({ Bucket: w.bucket, Key: 'w/mpu', UploadId, PartNumber: i + 1, Body }))),
      );
      expect(parts[1]!.ETag).toBe(`"${createHash('md5').update('tail').digest('hex')}"`);
      await s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: w.bucket,
          Key: 'w/mpu',
          UploadId,
          MultipartUpload: { Parts: parts.map((p, i) => ({ ETag: p.ETag, PartNumber: i + 1 })) },
        }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: w.bucket, Key: 'w/mpu' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([body, Buffer.from('tail')]))).toBe(true);
      const sdkDefaults = new S3Client({ endpoint: w.s3Endpoint, region: w.region, forcePathStyle: true, credentials: w.s3Admin, maxAttempts: 1 });
      await sdkDefaults.send(new PutObjectCommand({ Bucket: w.bucket, Key: 'w/crc', Body: Readable.from([body]), ContentLength: body.length }));
      sdkDefaults.destroy();
      s3.destroy();
    } finally {
      await w.stop();
    }
  });
});

describe('bucketRegion option', () => {
  it('keeps the bucket in another region than users/me announces: requests signed for the announced one are refused, naming the real one', async () => {
    const moved = await startSandbox({ region: 'ap-northeast-1', bucketRegion: 'eu-central-1' });
    try {
      const me = (await (await fetch(`${moved.apiUrl}/api/v3/users/me/`, { headers: { authorization: `Token ${moved.token}` } })).json()) as {
        defaultStorage: { connectionSettings: { region: string } };
      };
      expect(me.defaultStorage.connectionSettings.region).toBe('ap-northeast-1');
      expect(moved.s3Admin.region).toBe('eu-central-1');
      const url = new URL(`${moved.s3Endpoint}/${moved.bucket}/x`);
      const s = sign({ ...moved.s3Admin, method: 'HEAD', url, headers: {}, payloadHash: 'UNSIGNED-PAYLOAD', region: 'ap-northeast-1' });
      const res = await fetch(url, { method: 'HEAD', headers: s.headers });
      expect({ status: res.status, region: res.headers.get('x-amz-bucket-region') }).toEqual({ status: 400, region: 'eu-central-1' });
      const right = new S3Client({
        endpoint: moved.s3Endpoint,
        region: moved.s3Admin.region,
        forcePathStyle: true,
        credentials: moved.s3Admin,
        maxAttempts: 1,
      });
      expect((await errorOf(right.send(new HeadObjectCommand({ Bucket: moved.bucket, Key: 'x' })))).status).toBe(404); // signed right: only the key is missing
      right.destroy();
      expect(moved.stats().regionErrors).toBe(1);
    } finally {
      await moved.stop();
    }
  });
});

describe('fastEtags option', () => {
  it('uses cheap non-MD5 ETags that still complete multipart uploads', async () => {
    const fast = await startSandbox({ fastEtags: true });
    try {
      const s3 = s3Client(fast, fast.s3Admin);
      const put = await s3.send(new PutObjectCommand({ Bucket: fast.bucket, Key: 'f/one', Body: 'hello' }));
      expect(put.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
      const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: fast.bucket, Key: 'f/mpu' }));
      const p1 = await s3.send(new UploadPartCommand({ Bucket: fast.bucket, Key: 'f/mpu', UploadId, PartNumber: 1, Body: 'abc' }));
      expect(
        (
          await errorOf(
            s3.send(
              new CompleteMultipartUploadCommand({
                Bucket: fast.bucket,
                Key: 'f/mpu',
                UploadId,
                MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"x-1"' }] },
              }),
            ),
          )
        ).name,
      ).toBe('InvalidPart');
      await s3.send(
        new CompleteMultipartUploadCommand({ Bucket: fast.bucket, Key: 'f/mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }] } }),
      );
      const got = await s3.send(new GetObjectCommand({ Bucket: fast.bucket, Key: 'f/mpu' }));
      expect(await got.Body!.transformToString()).toBe('abc');
      // A declared Content-MD5 is still verified (and then the ETag is the MD5).
      const md5 = await s3.send(new PutObjectCommand({ Bucket: fast.bucket, Key: 'f/md5', Body: 'hello', ContentMD5: 'XUFAKrxLKna5cZ2REBfFkg==' }));
      expect(md5.ETag).toBe('"5d41402abc4b2a76b9719d911017c592"');
      s3.destroy();
    } finally {
      await fast.stop();
    }
  });
});

describe('credential lifetime', () => {
  it('answers ExpiredToken once the issued keys pass their TTL', async () => {
    const short = await startSandbox({ credentialTtlSeconds: 1 });
    try {
      const c = await issueCreds(short);
      expect(Date.parse(c.expiration) - Date.now()).toBeLessThanOrEqual(1000);
      const s3 = sessionClient(short, c);
      const name = await pollUntil(
        async () => {
          try {
            await s3.send(new PutObjectCommand({ Bucket: short.bucket, Key: `${c.storageDir}/x`, Body: 'x' }));
            return undefined;
          } catch (err) {
            return (err as Error).name;
          }
        },
        5000,
        100,
      );
      expect(name).toBe('ExpiredToken');
      s3.destroy();
    } finally {
      await short.stop();
    }
  });
});
