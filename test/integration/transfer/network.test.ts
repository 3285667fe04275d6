// S3 traffic takes the proxy the user set, like API calls do: every storage request of an
// upload and a download goes through it (with its credentials), a proxy that refuses them
// fails the item with a message that says so, and a settings change applies to the next
// request without a restart.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkOptions } from '../../../main/core/net/dispatcher';
import { makeFile, sha256, sha256File, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
let env: TransferEnv;
let proxyUrl: string;
const tunnels: string[] = [];
let refused = 0;
const proxy = createProxy(createServer());

beforeAll(async () => {
  env = await transferEnv();
  proxy.authenticate = (req) => {
    const ok = req.headers['proxy-authorization'] === `Basic ${Buffer.from('courier:s3cret').toString('base64')}`;
    if (!ok) refused++;
    return ok;
  };
  proxy.on('connect', (req: { url?: string }) => tunnels.push(req.url ?? ''));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await env.close();
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
});

const s3Requests = (): number => Object.values(env.sb.stats().s3).reduce((a, b) => a + b, 0);
const through = (password: string): NetworkOptions => ({ proxy: { mode: 'explicit', url: proxyUrl, username: 'courier', password } });

describe('transfers through a proxy', () => {
  it('sends every S3 request of uploads and downloads through the proxy, with its credentials', async () => {
    const svc = await env.service({ network: through('s3cret'), limits: { partSizeBytes: 5 * MiB } });
    const files = [
      ['empty.bin', 0],
      ['small file.bin', 64 * 1024],
      ['multipart.bin', 12 * MiB + 3],
    ] as const;
    const data = new Map<string, Buffer>();
    for (const [name, size] of files) data.set(name, await makeFile(join(env.dir, name), size));
    const s3Before = s3Requests();
    const up = await svc.whenSettled((await svc.enqueueUpload(files.map(([n]) => join(env.dir, n)))).map((v) => v.id));
    expect(up.map((v) => [v.name, v.state, v.error?.message])).toEqual(files.map(([n]) => [n, 'done', undefined]));

    const out = join(env.dir, 'out');
    const down = await svc.whenSettled(
      (
        await svc.enqueueDownload(
          up.map((v) => v.remoteFileId as string),
          out,
        )
      ).map((v) => v.id),
    );
    expect(down.map((v) => v.state)).toEqual(['done', 'done', 'done']);
    for (const [name] of files) expect(await sha256File(join(out, name))).toBe(sha256(data.get(name) as Buffer));

    // Tunnels went to the sandbox's S3 port only; the API client here is the test's own (direct).
    const s3Host = new URL(env.sb.s3Endpoint).host;
    expect(tunnels.length).toBeGreaterThan(0);
    expect(new Set(tunnels)).toEqual(new Set([s3Host]));
    expect(refused).toBe(0);
    // Multipart start, parts, completion, PUTs and GETs all reached S3 (and so crossed the proxy).
    expect(s3Requests() - s3Before).toBeGreaterThanOrEqual(2 + 3 + 1 + 3);
    await svc.close();
  });

  it('fails an upload the proxy refuses with a message naming the proxy, and applies a fixed setting to the next try', async () => {
    const svc = await env.service({ network: through('wrong'), retry: { attempts: 2, baseMs: 10, capMs: 20 } });
    const path = join(env.dir, 'refused.bin');
    const data = await makeFile(path, 100 * 1024);
    const s3Before = s3Requests();
    const [v] = await svc.whenSettled((await svc.enqueueUpload([path])).map((x) => x.id));
    expect(v?.state).toBe('failed');
    expect(v?.error).toMatchObject({
      code: 'network_error',
      message: expect.stringMatching(/^The proxy refused the connection to storage \(HTTP 407: it needs a user name and password/),
    });
    expect(refused).toBeGreaterThan(0);
    expect(s3Requests() - s3Before).toBe(0); // nothing went around the proxy

    svc.setNetwork(through('s3cret'));
    svc.retry(v?.id as string);
    const [again] = await svc.whenSettled([v?.id as string]);
    expect(again?.state).toBe('done');
    expect(sha256(await env.storage.contents(again?.remoteFileId as string))).toBe(sha256(data));
    await svc.close();
  });
});
