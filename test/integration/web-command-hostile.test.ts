import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { call, encodeFrame, openRpc, rawExchange, rawFrames, statusOf, upgradeRequest, type Access } from '../support/hostile-client';

// The requests that used to end `courier web`, sent to the real command (as `npm run web` starts it).
const root = fileURLToPath(new URL('../..', import.meta.url));
let proc: ChildProcess;
let exited: Promise<number | null>;
let access: Access;
let stderr = '';

beforeAll(async () => {
  const data = mkdtempSync(join(tmpdir(), 'courier-webcmd-'));
  const injector = join(root, 'test', 'support', 'web-failure-injector.mjs');
  proc = spawn(process.execPath, ['--import', injector, 'cli/bin.mjs', '--data', data, 'web', '--no-open'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    void exited.then((code) => reject(new Error(`courier web exited (${code}) before it was ready`)));
  });
  const port = Number(url.port);
  access = { port, cookie: `courier_session_${port}=${url.searchParams.get('token')}`, origin: url.origin };
});
afterAll(async () => {
  proc.kill('SIGTERM');
  await exited;
});

async function stillServing(): Promise<void> {
  expect(proc.exitCode).toBeNull();
  const page = await request(`${access.origin}/`, { headers: { cookie: access.cookie } });
  expect(page.statusCode).toBe(200);
  await page.body.dump();
  const ws = await openRpc(access);
  expect((await call(ws, 1, 'courier:app.info', {})).ok).toBe(true);
  ws.close();
}

describe('courier web survives what any local page can send', () => {
  test("new WebSocket('ws://127.0.0.1:PORT//')", async () => {
    await new Promise<void>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${access.port}//`);
      ws.once('error', () => resolve());
      ws.once('unexpected-response', () => resolve());
    });
    await stillServing();
  });

  test('a raw GET // with Upgrade: websocket', async () => {
    expect(statusOf(await rawExchange(access.port, upgradeRequest(access, '//')))).toBe(403);
    await stillServing();
  });

  test('a staging PUT with a bad percent-encoding', async () => {
    const put = `PUT /staging/batch1234/%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${access.port}\r\nCookie: ${access.cookie}\r\nOrigin: ${access.origin}\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`;
    expect(statusOf(await rawExchange(access.port, put))).toBe(400);
    await stillServing();
  });

  test('a frame over the limit', async () => {
    expect(await rawFrames(access, [encodeFrame(1, Buffer.from('{'), 2 ** 40)])).toBe(1009);
    await stillServing();
  });

  test('a text frame with invalid UTF-8', async () => {
    expect(await rawFrames(access, [encodeFrame(1, Buffer.from([0xff, 0xfe]))])).toBe(1007);
    await stillServing();
  });

  test('a failure no handler caught (a lost promise, a thrown connection error) is logged and the host keeps serving', async () => {
    proc.kill('SIGUSR2');
    await vi.waitFor(
      () => {
        expect(stderr).toContain('Courier kept running after an unhandled failure: Error: injected lost promise');
        expect(stderr).toContain('Courier kept running after a connection error: Error (ECONNRESET): injected read ECONNRESET');
      },
      { timeout: 20_000, interval: 100 },
    );
    await stillServing();
  });
});
