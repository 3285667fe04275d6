import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inRegion, regionFromError, s3Send } from '../../../main/core/transfer/worker/s3-direct';
import type { S3Loc } from '../../../main/core/transfer/worker/protocol';

// A plain HTTP server stands in for S3: these tests are about what happens to a response body
// the engine gives up on, not about S3 semantics (the integration tests use the sandbox).
let server: Server;
let loc: (key: string) => S3Loc;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.endsWith('/cut')) {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(1000));
      setImmediate(() => res.destroy()); // the connection drops mid-body
      return;
    }
    res.end(Buffer.alloc(100));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  loc = (key) => ({ bucket: 'b', key, creds: { accessKeyId: 'a', secretAccessKey: 's', region: 'us-east-1', endpoint, expiresAt: Date.now() + 60_000 } });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('s3Send response bodies', () => {
  it('a body given up unread can be destroyed without an uncaught error (which would kill a worker)', async () => {
    const uncaught: unknown[] = [];
    let wake = (): void => undefined;
    const onUncaught = (e: unknown): void => {
      uncaught.push(e);
      wake(); // without a listener the error comes instead of 'close'
    };
    process.on('uncaughtException', onUncaught);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await s3Send(loc('small'), 'GET', { signal: new AbortController().signal });
        expect(r.status).toBe(200);
        const closed = new Promise<void>((res) => {
          wake = res;
          r.body.on('close', res); // not once(): it would listen for 'error' itself
        });
        r.body.destroy();
        await closed;
      }
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('a reader still sees the connection drop mid-body', async () => {
    const r = await s3Send(loc('cut'), 'GET', { signal: new AbortController().signal });
    let got = 0;
    const read = (async () => {
      for await (const c of r.body) got += (c as Buffer).length;
    })();
    await expect(read).rejects.toThrow();
    expect(got).toBeLessThan(1_000_000);
  });
});

describe('regionFromError', () => {
  it('reads the region S3 names: the header first (a HEAD has no body), else <Region>; only on redirects and 400s', () => {
    expect(regionFromError(400, { 'x-amz-bucket-region': 'eu-west-1' }, '')).toBe('eu-west-1');
    expect(regionFromError(301, { 'x-amz-bucket-region': ['us-east-2'] }, '<Error><Code>PermanentRedirect</Code></Error>')).toBe('us-east-2');
    expect(regionFromError(400, {}, '<Error><Code>AuthorizationHeaderMalformed</Code><Region>ap-south-1</Region></Error>')).toBe('ap-south-1');
    expect(regionFromError(403, { 'x-amz-bucket-region': 'eu-west-1' }, '')).toBeUndefined();
    expect(regionFromError(400, {}, '<Error><Code>ExpiredToken</Code></Error>')).toBeUndefined();
    expect(regionFromError(400, { 'x-amz-bucket-region': 'evil.example/x' }, '')).toBeUndefined();
  });
});

describe('inRegion', () => {
  it('re-signs for the region; an AWS FIPS endpoint moves with it, a custom one stays', () => {
    const base = { accessKeyId: 'a', secretAccessKey: 's', expiresAt: 0 };
    const fips = inRegion(
      { bucket: 'b', key: 'k', creds: { ...base, region: 'us-east-1', endpoint: 'https://s3-fips.us-east-1.amazonaws.com' } },
      'us-gov-west-1',
    );
    expect(fips.creds).toMatchObject({ region: 'us-gov-west-1', endpoint: 'https://s3-fips.us-gov-west-1.amazonaws.com' });
    const custom = inRegion({ bucket: 'b', key: 'k', creds: { ...base, region: 'ap-northeast-1', endpoint: 'http://127.0.0.1:9000' } }, 'eu-west-1');
    expect(custom.creds).toMatchObject({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9000' });
  });
});
