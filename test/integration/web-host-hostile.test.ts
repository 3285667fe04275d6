import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { createCourier, type Courier } from '../../main/core/courier';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { startWebHost, type WebHost } from '../../main/web/host';
import { requestChannel } from '../../shared/contract';
import { call, encodeFrame, openRpc, rawExchange, rawFrames, recordEscapes, statusOf, upgradeRequest, type Access } from '../support/hostile-client';

// Requests any page on the machine (or any local process) can send to the web host. None of them
// may end the process: each gets its own answer, and the host keeps serving afterwards.
let courier: Courier;
let host: WebHost;
let access: Access;
let outer: string; // holds the data folder: nothing may ever be written next to it
let dataDir: string;
let escapes: ReturnType<typeof recordEscapes>;

beforeAll(async () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'courier-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  mkdirSync(join(rendererDir, 'assets'));
  // A file that passes the stat but fails to read (EIO), as a file removed or unreadable mid-request would.
  if (process.platform === 'linux') symlinkSync('/proc/self/mem', join(rendererDir, 'assets', 'unreadable.js'));
  outer = mkdtempSync(join(tmpdir(), 'courier-hostile-'));
  dataDir = join(outer, 'data');
  courier = await createCourier({ shell: 'web', version: '0.0.0', dataDir, secrets: new MemorySecretStore() });
  host = await startWebHost({ courier, rendererDir });
  const r = await request(host.url);
  access = { port: host.port, cookie: String(r.headers['set-cookie']).split(';')[0]!, origin: host.origin };
  await r.body.dump();
});
afterAll(async () => {
  await host.close();
  await courier.close();
});
beforeEach(() => {
  escapes = recordEscapes();
});
afterEach(async () => {
  escapes.stop();
  // Whatever happened, nothing reached the process and the host still serves the page.
  expect(escapes.escaped).toEqual([]);
  const page = await request(`${host.origin}/`, { headers: { cookie: access.cookie } });
  expect(page.statusCode).toBe(200);
  await page.body.dump();
});

const put = (path: string, body = 'hi', headers: Record<string, string> = {}) =>
  rawExchange(
    host.port,
    `PUT ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${access.cookie}\r\nOrigin: ${host.origin}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n` +
      Object.entries(headers)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('') +
      `\r\n${body}`,
  );

describe('upgrades with odd paths', () => {
  test("new WebSocket('ws://127.0.0.1:PORT//') from any page is refused", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}//`);
      ws.once('unexpected-response', (_q, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });

  test.each(['//', '//evil.example/rpc', '*', 'http://[::1', '/rpc%', '/%E0%A4%A'])('a raw upgrade to %s gets a status line', async (path) => {
    const answer = await rawExchange(host.port, upgradeRequest(access, path));
    expect([400, 403]).toContain(statusOf(answer));
  });

  test('an authenticated upgrade with a bad key gets 400 from the handshake', async () => {
    const answer = await rawExchange(host.port, upgradeRequest(access, '/rpc').replace('dGhlIHNhbXBsZSBub25jZQ==', 'short'));
    expect(statusOf(answer)).toBe(400);
  });

  test('a peer that resets right after sending the upgrade does not reach the process', async () => {
    await new Promise<void>((resolve) => {
      const s = net.connect(host.port, '127.0.0.1', () => {
        s.write(upgradeRequest(access, '//'));
        s.resetAndDestroy();
        resolve();
      });
    });
    const ws = await openRpc(access);
    expect((await call(ws, 1, requestChannel('app', 'info'), {})).ok).toBe(true);
    ws.close();
  });
});

describe('frames a browser would not send', () => {
  test('a frame longer than the limit closes that socket with 1009, before any of it is read', async () => {
    expect(await rawFrames(access, [encodeFrame(1, Buffer.from('{"t":'), 2 ** 40)])).toBe(1009);
  });

  test('a text frame with invalid UTF-8 closes that socket with 1007', async () => {
    expect(await rawFrames(access, [encodeFrame(1, Buffer.from([0x7b, 0xff, 0xfe, 0x80, 0x7d]))])).toBe(1007);
  });

  test('binary frames, bad JSON and unknown requests leave the socket usable', async () => {
    const ws = await openRpc(access);
    ws.send(Buffer.from('{"t":"req","id":1,"ch":"courier:app.info","input":{}}'), { binary: true });
    ws.send('{not json');
    ws.send('null');
    ws.send('{"t":"req","id":"x"}');
    const unknown = await call(ws, 2, 'courier:nope.__proto__', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const info = await call(ws, 3, requestChannel('app', 'info'), {});
    expect(info.ok).toBe(true);
    ws.close();
  });
});

describe('staging PUTs with hostile encodings', () => {
  test('a bad percent-encoding is a 400 that says so', async () => {
    const answer = await put('/staging/batch1234/%E0%A4%A');
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('percent-encoding');
  });

  test.each([
    'x%2F..%2F..%2F..%2F..%2Fvictim.txt',
    '..%2F..%2F..%2Fvictim.txt',
    '%2E%2E/%2E%2E/%2E%2E/victim.txt',
    '..%5C..%5C..%5Cvictim.txt',
    'a%00b.txt',
    '%2Ftmp%2Fvictim.txt',
    '.',
  ])('%s is refused and nothing is written outside the batch folder', async (name) => {
    const status = statusOf(await put(`/staging/batch1234/${name}`));
    expect(status).toBeGreaterThanOrEqual(400); // 400; 405 where the URL parser already folded %2E%2E away
    expect(status).toBeLessThan(500);
    expect(readdirSync(outer)).toEqual(['data']);
    expect(readdirSync(dataDir).filter((f) => /victim/.test(f))).toEqual([]);
    expect(existsSync(join(dataDir, 'staging'))).toBe(false);
  });

  test('a file where a folder must go (and the reverse) is a 409, not a crash', async () => {
    expect(statusOf(await put('/staging/clash1234/a'))).toBe(201);
    expect(statusOf(await put('/staging/clash1234/a/b'))).toBe(409);
    expect(statusOf(await put('/staging/clash1234/c/d'))).toBe(201);
    expect(statusOf(await put('/staging/clash1234/c'))).toBe(409);
  });

  test('a body cut off mid-way leaves no half-written file behind', async () => {
    const target = join(dataDir, 'staging', 'cut123456', 'part.bin');
    await new Promise<void>((resolve) => {
      const s = net.connect(host.port, '127.0.0.1', () => {
        s.write(
          `PUT /staging/cut123456/part.bin HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${access.cookie}\r\nOrigin: ${host.origin}\r\nContent-Length: 100000\r\n\r\n0123456789`,
        );
        // Destroy only once the server has created the file, so the cut lands mid-body.
        void vi
          .waitFor(() => expect(existsSync(target)).toBe(true))
          .then(() => {
            s.destroy();
            resolve();
          });
      });
    });
    await vi.waitFor(() => expect(existsSync(target)).toBe(false));
  });

  test('a link planted inside a batch folder does not lead a PUT out of it (containment of the resolved path)', async () => {
    // The segment text is clean ('out', 'victim.txt'); only the resolved folder is outside.
    const elsewhere = mkdtempSync(join(tmpdir(), 'courier-hostile-elsewhere-'));
    mkdirSync(join(dataDir, 'staging', 'link1234'), { recursive: true });
    symlinkSync(elsewhere, join(dataDir, 'staging', 'link1234', 'out'));
    const answer = await put('/staging/link1234/out/victim.txt');
    expect(statusOf(answer)).toBe(400);
    expect(answer).toContain('outside its staging folder');
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe('plain HTTP', () => {
  test.each(['//', '//evil.example/', '*'])('GET %s gets a 4xx', async (path) => {
    const answer = await rawExchange(
      host.port,
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${access.cookie}\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(answer)).toBeGreaterThanOrEqual(400);
    expect(statusOf(answer)).toBeLessThan(500);
  });

  test.skipIf(process.platform !== 'linux')('a file that fails to read mid-response ends that response only', async () => {
    const answer = await rawExchange(
      host.port,
      `GET /assets/unreadable.js HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nCookie: ${access.cookie}\r\nConnection: close\r\n\r\n`,
    );
    // The read fails after the headers were written: the connection just ends (no crash, no 500 after a 200).
    expect([0, 200]).toContain(statusOf(answer));
    expect(answer).not.toMatch(/HTTP\/1\.1 500/);
  });
});
