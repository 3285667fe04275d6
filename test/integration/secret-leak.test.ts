import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { createCourier, type Courier } from '../../main/core/courier';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { startWebHost, type WebHost } from '../../main/web/host';
import { requestChannel } from '../../shared/contract';

// A full run — sign-in, upload, browse, errors, CLI — then every byte that left main is
// searched for the API key and the storage credentials: WebSocket frames to the renderer, logs,
// settings, journals, the CLI's account cache, CLI output.
const run = promisify(execFile);
const key = `leakcheck-${randomBytes(18).toString('hex')}`;
let sandbox: RunningSandbox;
let courier: Courier;
let host: WebHost;
let dataDir: string;
const framesToRenderer: string[] = [];

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ token: key, dataDir: mkdtempSync(join(tmpdir(), 'courier-leak-sb-')) });
  dataDir = mkdtempSync(join(tmpdir(), 'courier-leak-'));
  const rendererDir = mkdtempSync(join(tmpdir(), 'courier-leak-r-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
  courier = await createCourier({ shell: 'web', version: '0.0.0', dataDir, secrets: new MemorySecretStore(), backgroundJobs: false });
  host = await startWebHost({ courier, rendererDir });
});
afterAll(async () => {
  await host?.close();
  await courier?.close();
  await sandbox?.stop();
});

describe('the API key never leaves main', () => {
  test('a full run leaks the key nowhere', async () => {
    const first = await request(host.url);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    await first.body.dump();
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { cookie, origin: host.origin } });
    await new Promise((r) => ws.once('open', r));
    const waiting = new Map<number, (v: { ok: boolean; value?: unknown; error?: { message: string } }) => void>();
    ws.on('message', (d) => {
      const text = d.toString();
      framesToRenderer.push(text);
      const f = JSON.parse(text) as { t: string; id: number; result: never };
      if (f.t === 'res') waiting.get(f.id)?.(f.result);
    });
    let id = 0;
    const call = (domain: string, method: string, input: unknown) =>
      new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        waiting.set(++id, resolve);
        ws.send(JSON.stringify({ t: 'req', id, ch: requestChannel(domain, method), input }));
      });

    const platform = { kind: 'sandbox', apiUrl: sandbox.apiUrl, s3Endpoint: sandbox.s3Endpoint };
    expect((await call('accounts', 'add', { platform, apiKey: key })).ok).toBe(true);
    // Error paths carry messages: none may quote the key.
    const wrong = await call('accounts', 'add', { platform: { kind: 'custom', apiUrl: 'http://127.0.0.1:9' }, apiKey: key });
    expect(wrong.ok).toBe(false);
    const file = join(dataDir, 'upload-me.txt');
    writeFileSync(file, 'hello rescale\n');
    const up = await call('transfers', 'upload', { paths: [file] });
    expect(up.ok).toBe(true);
    const itemId = (up.value as { items: { id: string }[] }).items[0]!.id;
    await (await courier.transfers()).whenSettled([itemId]);
    for (const [d, m] of [
      ['files', 'browse'],
      ['accounts', 'list'],
      ['settings', 'get'],
      ['activity', 'list'],
      ['app', 'info'],
      ['transfers', 'list'],
    ] as const) {
      expect((await call(d, m, {})).ok, `${d}.${m}`).toBe(true);
    }
    ws.close();

    const cliData = mkdtempSync(join(tmpdir(), 'courier-leak-cli-'));
    const cli = async (...args: string[]) => {
      const r = await run('node', ['cli/bin.mjs', '--data', cliData, '-X', sandbox.apiUrl, '-p', key, ...args]).catch(
        (e: { stdout: string; stderr: string }) => e,
      );
      return `${r.stdout}\n${r.stderr}`;
    };
    const cliOut = [await cli('status', '-j', 'nope'), await cli('upload', '-f', file, '-e'), await cli('list-files', '-j', 'nope')].join('\n');
    expect(cliOut).toContain('Authenticated as');

    // The storage credentials the platform issued (the CLI keeps them between runs, sealed).
    const issued = new Set(
      allFiles(sandbox.dataDir).flatMap((f) =>
        [
          ...readFileSync(f)
            .toString('latin1')
            .matchAll(/"secretAccessKey":"([^"]+)"/g),
        ].map((m) => m[1]!),
      ),
    );
    issued.delete(sandbox.s3Admin.secretAccessKey);
    expect(issued.size).toBeGreaterThan(0);
    expect(allFiles(cliData).some((f) => f.includes('cli-cache'))).toBe(true);
    const needles = [key, Buffer.from(key).toString('base64'), ...issued];
    const haystacks: [string, string][] = [
      ['WebSocket frames to the renderer', framesToRenderer.join('\n')],
      ['CLI output', cliOut],
      ...[...allFiles(dataDir), ...allFiles(cliData)]
        .filter((f) => !f.endsWith('upload-me.txt'))
        .map((f): [string, string] => [f, readFileSync(f).toString('latin1')]),
    ];
    expect(haystacks.length).toBeGreaterThan(4);
    expect(framesToRenderer.length).toBeGreaterThan(8);
    // The scan can fail: the sandbox (the "server") does store the key, and the scan finds it there.
    expect(allFiles(sandbox.dataDir).some((f) => needles.some((n) => readFileSync(f).toString('latin1').includes(n)))).toBe(true);
    const leaks = haystacks.filter(([, text]) => needles.some((n) => text.includes(n))).map(([where]) => where);
    expect(leaks).toEqual([]);
  });
});
