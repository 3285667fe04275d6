// "Use the system proxy" in the desktop app follows what the OS answers for each address
// (Electron's session.resolveProxy: OS settings, PAC, WPAD), not only HTTP(S)_PROXY. The shell's
// lookup is the one port faked here; the API, S3 and the proxy are real servers.
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createCourier, type Courier } from '../../../main/core/courier';
import { MemorySecretStore } from '../../../main/core/secrets/store';

let sandbox: RunningSandbox;
let proxyAt: string;
/** The host:port of every request and tunnel the proxy carried. */
const carried: string[] = [];
const proxy = createProxy(createServer());
const savedEnv: Record<string, string | undefined> = {};
const ENV_PROXIES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NO_PROXY', 'no_proxy'];

beforeAll(async () => {
  for (const k of ENV_PROXIES) {
    savedEnv[k] = process.env[k];
    delete process.env[k]; // only the OS answer may send anything through the proxy
  }
  sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'courier-sysproxy-sb-')) });
  proxy.on('request', (req: { url?: string }) => carried.push(new URL(req.url ?? '/', 'http://unknown').host));
  proxy.on('connect', (req: { url?: string }) => carried.push(req.url ?? ''));
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyAt = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await sandbox?.stop();
  proxy.closeAllConnections();
  await new Promise<void>((r) => proxy.close(() => r()));
  for (const k of ENV_PROXIES) if (savedEnv[k] !== undefined) process.env[k] = savedEnv[k];
});

const hostOf = (url: string) => new URL(url).host;

async function courierWith(rules: (origin: string) => string, cacheMs?: number): Promise<{ c: Courier; asked: string[] }> {
  const asked: string[] = [];
  const c = await createCourier({
    shell: 'electron',
    version: '0.0.0',
    dataDir: mkdtempSync(join(tmpdir(), 'courier-sysproxy-')),
    secrets: new MemorySecretStore(),
    backgroundJobs: false,
    systemProxy: {
      rules: async (url) => {
        asked.push(url);
        return rules(new URL(url).origin);
      },
      ...(cacheMs !== undefined ? { cacheMs } : {}),
    },
  });
  c.settings.update({ network: { proxy: 'system' } });
  return { c, asked };
}

async function uploadOne(c: Courier, name: string): Promise<void> {
  const p = join(mkdtempSync(join(tmpdir(), 'courier-sysproxy-f-')), name);
  writeFileSync(p, Buffer.alloc(70_000, 7));
  const t = await c.transfers();
  const [done] = await t.whenSettled((await t.enqueueUpload([p])).map((v) => v.id));
  expect(done?.state).toBe('done');
}

describe('the system proxy as the OS answers it', () => {
  test('API calls take the proxy the OS names for the platform; S3, which it sends DIRECT, does not', async () => {
    const api = new URL(sandbox.apiUrl).origin;
    const { c, asked } = await courierWith((origin) => (origin === api ? `SOCKS5 127.0.0.1:1; PROXY ${proxyAt}; DIRECT` : 'DIRECT'));
    carried.length = 0;
    await c.accounts.add({ platform: { kind: 'sandbox', apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint }, apiKey: sandbox.token });
    await uploadOne(c, 'via api proxy.bin');
    expect(carried.filter((h) => h === hostOf(sandbox.apiUrl)).length).toBeGreaterThan(0); // a tunnel carries many calls
    expect(carried.filter((h) => h === hostOf(sandbox.s3Endpoint))).toEqual([]);
    expect(asked).toContain(`${new URL(sandbox.s3Endpoint).origin}/`); // S3 was asked about, and went direct
    await c.close();
  });

  test('S3 uploads take the proxy when the OS names one for storage', async () => {
    const s3 = new URL(sandbox.s3Endpoint).origin;
    const { c } = await courierWith((origin) => (origin === s3 ? `PROXY ${proxyAt}` : 'DIRECT'));
    await c.accounts.add({ platform: { kind: 'sandbox', apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint }, apiKey: sandbox.token });
    carried.length = 0;
    await uploadOne(c, 'via s3 proxy.bin');
    expect(carried.filter((h) => h === hostOf(sandbox.s3Endpoint)).length).toBeGreaterThan(0);
    expect(carried.filter((h) => h === hostOf(sandbox.apiUrl))).toEqual([]);
    await c.close();
  });

  test('a new answer (a VPN came up) is followed by the next session, without a restart', async () => {
    let answer = 'DIRECT';
    const { c } = await courierWith(() => answer, 0);
    await c.accounts.add({ platform: { kind: 'sandbox', apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint }, apiKey: sandbox.token });
    carried.length = 0;
    await (await c.accounts.session()).api.me();
    expect(carried).toEqual([]);
    answer = `PROXY ${proxyAt}`;
    await (await c.accounts.session()).api.me();
    expect(carried).toEqual([hostOf(sandbox.apiUrl)]);
    await c.close();
  });

  test('an answer Courier cannot use (SOCKS only) falls back to the environment, and says so once', async () => {
    const { c } = await courierWith(() => 'SOCKS5 127.0.0.1:1');
    carried.length = 0;
    await c.accounts.add({ platform: { kind: 'sandbox', apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint }, apiKey: sandbox.token });
    await uploadOne(c, 'socks.bin');
    expect(carried).toEqual([]); // no HTTP(S)_PROXY here: direct
    const warnings = c.activity.list({ level: 'warn', limit: 100 }).filter((e) => e.message.includes('cannot use (no SOCKS support)'));
    expect(warnings.map((w) => w.area)).toEqual(['settings']); // API and S3 both got that answer: one line
    await c.close();
  });
});
