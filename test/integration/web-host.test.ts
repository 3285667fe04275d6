import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCourier, type Courier } from '../../main/core/courier';
import { startWebHost, type WebHost } from '../../main/web/host';
import { requestChannel } from '../../shared/contract';
import { MemorySecretStore } from '../../main/core/secrets/store';

// The web host's guards, over real HTTP and real WebSockets.
let courier: Courier;
let host: WebHost;
let cookie: string;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'courier-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  courier = await createCourier({ shell: 'web', version: '0.0.0', dataDir: mkdtempSync(join(tmpdir(), 'courier-web-')), secrets: new MemorySecretStore() });
  host = await startWebHost({ courier, rendererDir });
  const r = await request(host.url);
  cookie = String(r.headers['set-cookie']).split(';')[0]!;
  await r.body.dump();
});
afterAll(async () => {
  await host.close();
  await courier.close();
});

const get = (path: string, headers: Record<string, string> = {}) => request(`${host.origin}${path}`, { headers: { cookie, ...headers } });

describe('web host HTTP guards', () => {
  test('binds to loopback only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  test('the token link sets an HttpOnly SameSite cookie and drops the token from the URL', async () => {
    const r = await request(host.url);
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    await r.body.dump();
  });

  test('serves the page with a strict CSP once in', async () => {
    const r = await get('/');
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(await r.body.text()).toContain('<title>t</title>');
  });

  test('refuses a missing or wrong token', async () => {
    const none = await request(`${host.origin}/`);
    expect(none.statusCode).toBe(401);
    expect(await none.body.text()).toContain('link printed');
    const wrong = await request(`${host.origin}/?token=nope`);
    expect(wrong.statusCode).toBe(403);
    await wrong.body.dump();
    const badCookie = await request(`${host.origin}/`, { headers: { cookie: cookie.replace(/=.*/, '=forged') } });
    expect(badCookie.statusCode).toBe(401);
    await badCookie.body.dump();
  });

  test('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get('/', { host: `evil.example:${host.port}` });
    expect(r.statusCode).toBe(403);
    await r.body.dump();
  });

  test('no traversal, no directory listing, GET only', async () => {
    for (const p of ['/../package.json', '/assets/', '/assets/..%2f..%2fpackage.json', '/nope.js']) {
      const r = await get(p);
      expect(r.statusCode, p).toBe(404);
      await r.body.dump();
    }
    const post = await request(`${host.origin}/`, { method: 'POST', headers: { cookie } });
    expect(post.statusCode).toBe(405);
    await post.body.dump();
  });
});

function openSocket(headers: Record<string, string>): Promise<{ ws: WebSocket; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers });
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, status: res.statusCode ?? 0 }));
  });
}

describe('web host WebSocket guards', () => {
  const good = () => ({ cookie, origin: host.origin });

  test('a same-origin socket with the cookie can call the contract', async () => {
    const { ws, status } = await openSocket(good());
    expect(status).toBe(101);
    const reply = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    ws.send(JSON.stringify({ t: 'req', id: 7, ch: requestChannel('app', 'info'), input: {} }));
    expect(await reply).toMatchObject({ t: 'res', id: 7, result: { ok: true, value: { name: 'Courier' } } });
    ws.close();
  });

  test('events reach connected sockets', async () => {
    const { ws } = await openSocket(good());
    const evt = new Promise<unknown>((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
    courier.activity.info('app', 'hello sockets');
    expect(await evt).toMatchObject({ t: 'evt', payload: { message: 'hello sockets' } });
    ws.close();
  });

  test.each([
    ['no cookie', () => ({ origin: host.origin })],
    ['a forged cookie', () => ({ cookie: cookie.replace(/=.*/, '=forged'), origin: host.origin })],
    ['a foreign Origin', () => ({ cookie, origin: 'http://evil.example' })],
    ['no Origin', () => ({ cookie })],
    ['a foreign Host', () => ({ cookie, origin: host.origin, host: 'evil.example' })],
  ])('refuses %s', async (_name, headers) => {
    const { status } = await openSocket(headers());
    expect(status).toBe(403);
  });
});
