import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createCourier, type Courier } from '../../../main/core/courier';
import { MemorySecretStore } from '../../../main/core/secrets/store';
import { CourierError } from '../../../shared/errors';

// Sign-in against a real (local) Rescale: good key, revoked key, wrong platform, throttling
// and proxies — everything over real HTTP.
let sandbox: RunningSandbox;
let dataDir: string;

async function courier(secrets = new MemorySecretStore()): Promise<Courier> {
  return createCourier({ shell: 'web', version: '0.0.0', dataDir: mkdtempSync(join(tmpdir(), 'courier-acct-')), secrets, backgroundJobs: false });
}
const sandboxRef = () => ({ kind: 'sandbox' as const, apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint });

async function caught(p: Promise<unknown>): Promise<CourierError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CourierError) return e;
    throw e;
  }
  throw new Error('expected a CourierError');
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'courier-acct-sb-'));
  sandbox = await startSandbox({ dataDir, token: 'good-key-0123456789' });
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('accounts', () => {
  test('a good key signs in, shows email and workspace, and is kept in the keychain only', async () => {
    const secrets = new MemorySecretStore();
    const c = await courier(secrets);
    const view = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token });
    expect(view).toMatchObject({ email: 'sandbox-user@example.com', workspace: expect.any(String), active: true });
    expect(await secrets.get(`account:${view.id}`)).toBe(sandbox.token);
    expect(JSON.stringify(c.settings.get())).not.toContain(sandbox.token);
    await c.close();
  });

  test('a wrong key is refused with advice, and nothing is stored', async () => {
    const c = await courier();
    const e = await caught(c.accounts.add({ platform: sandboxRef(), apiKey: 'not-the-right-key' }));
    expect(e).toMatchObject({ code: 'unauthorized', field: 'apiKey' });
    expect(e.message).toMatch(/did not accept this API key/);
    expect(c.accounts.list()).toEqual([]);
    await c.close();
  });

  test('a revoked key is reported as such on the next request', async () => {
    const c = await courier();
    const view = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token });
    // Revoke: the sandbox comes back with a new token on the same data.
    const oldUrl = sandbox.apiUrl;
    await sandbox.stop();
    sandbox = await startSandbox({ dataDir, token: 'rotated-key-0123456789', port: Number(new URL(oldUrl).port) });
    const session = await c.accounts.session(view.id);
    const e = await caught(session.api.me());
    expect(e.code).toBe('unauthorized');
    expect(e.message).toMatch(/revoked/);
    await c.close();
  });

  test('a server that is not Rescale, or nothing at all, is the wrong platform', async () => {
    const notRescale: Server = createServer((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'text/html' });
      res.end('<html>Welcome to nginx</html>');
    });
    await new Promise<void>((r) => notRescale.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(notRescale.address() as AddressInfo).port}`;
    const c = await courier();
    const e = await caught(c.accounts.add({ platform: { kind: 'custom', apiUrl: url }, apiKey: 'some-key-123456' }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'platform' });
    expect(e.message).toMatch(/did not answer like a Rescale platform/);
    await new Promise<void>((r) => notRescale.close(() => r()));
    const offline = await caught(c.accounts.add({ platform: { kind: 'custom', apiUrl: url }, apiKey: 'some-key-123456' }));
    expect(offline.code).toBe('offline');
    expect(c.connectivity.isOnline()).toBe(false);
    const http = await caught(c.accounts.add({ platform: { kind: 'custom', apiUrl: 'http://platform.rescale.com' }, apiKey: 'some-key-123456' }));
    expect(http).toMatchObject({ code: 'invalid_input', field: 'apiUrl' });
    await c.close();
  });

  test('switching, renaming and removing; removing deletes the key', async () => {
    const secrets = new MemorySecretStore();
    const c = await courier(secrets);
    const a = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token, label: 'one' });
    c.accounts.rename(a.id, 'Lab sandbox');
    expect(c.accounts.list()[0]?.label).toBe('Lab sandbox');
    let forgotten = '';
    c.accounts.onForget((id) => (forgotten = id));
    await c.accounts.remove(a.id);
    expect(forgotten).toBe(a.id);
    expect(await secrets.get(`account:${a.id}`)).toBeNull();
    expect(c.accounts.list()).toEqual([]);
    expect(c.settings.get().activeAccountId).toBeNull();
    await c.close();
  });
});

describe('throttling and proxies', () => {
  test('a 429 storm is ridden out: every call succeeds, honouring Retry-After', async () => {
    const c = await courier();
    const view = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token });
    const { api } = await c.accounts.session(view.id);
    sandbox.resetStats();
    sandbox.setRateLimits(true, { user: { ratePerSec: 1, burst: 1 } });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => api.me()));
      expect(results.every((r) => r.email === 'sandbox-user@example.com')).toBe(true);
    } finally {
      sandbox.setRateLimits(false);
    }
    // The sandbox answered 429 to some, and more requests arrived than calls were made: retried.
    const stats = sandbox.stats();
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.api['GET /api/v3/users/me/']).toBe(8 + stats.throttled);
    await c.close();
  });

  test('API calls go through an explicit proxy', async () => {
    const proxy = createProxy(createServer());
    let seen = 0;
    proxy.on('request', () => seen++);
    proxy.on('connect', () => seen++);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const c = await courier();
    c.settings.update({ network: { proxy: 'explicit', proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } });
    const view = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token });
    expect(view.email).toBe('sandbox-user@example.com');
    expect(seen).toBeGreaterThan(0);
    await c.close();
    await new Promise<void>((r) => proxy.close(() => r()));
  });

  test('a proxy that is down is named in the error, not only the platform', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r())); // nothing listens there now
    const c = await courier();
    c.settings.update({ network: { proxy: 'explicit', proxyUrl: `http://127.0.0.1:${port}` } });
    const e = await caught(c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token }));
    expect(e.code).toBe('offline');
    expect(e.message).toContain(`through the proxy http://127.0.0.1:${port} (ECONNREFUSED)`);
    await c.close();
  });

  test('a proxy password set in Settings reaches the proxy, stays out of the settings file, and can be forgotten', async () => {
    const proxy = createProxy(createServer());
    const expected = `Basic ${Buffer.from('alice:pa ss:wörd').toString('base64')}`;
    let refused = 0;
    proxy.authenticate = (req) => req.headers['proxy-authorization'] === expected || (refused++, false);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const secrets = new MemorySecretStore();
    const c = await courier(secrets);
    c.settings.update({ network: { proxy: 'explicit', proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, proxyUsername: 'alice' } });
    const set = (password: string) => c.router.dispatch('courier:settings.setProxyPassword', { password }, { transport: 'memory' });

    const noPassword = await caught(c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token }));
    expect(noPassword.code).toBe('tls_or_proxy');
    expect(noPassword.message).toMatch(/^The proxy asked for a user name and password/);

    const r = (await set('pa ss:wörd')) as { ok: boolean; value?: { network: { proxyPasswordSetAt: number } } };
    expect(r.ok).toBe(true);
    expect(r.value?.network.proxyPasswordSetAt).toBeGreaterThan(0);
    expect(await secrets.get('proxy')).toBe('pa ss:wörd');
    const view = await c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token });
    expect(view.email).toBe('sandbox-user@example.com');
    expect(JSON.stringify(c.settings.get())).not.toContain('pa ss');

    await set('');
    expect(await secrets.get('proxy')).toBeNull();
    expect(c.settings.get().network.proxyPasswordSetAt).toBe(0);
    const before = refused;
    await caught(c.accounts.add({ platform: sandboxRef(), apiKey: sandbox.token, label: 'again' }));
    expect(refused).toBeGreaterThan(before);
    await c.close();
    proxy.closeAllConnections();
    await new Promise<void>((r) => proxy.close(() => r()));
  });
});
