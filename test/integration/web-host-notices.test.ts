// The web host shows a job's notice only through an open page, so with no page open it claims
// none: the desktop app on the same data folder shows it, or else the next page that connects
// gets it. Real HTTP and WebSockets to the web host, jobs on the sandbox.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCourier, type Courier } from '../../main/core/courier';
import { MemorySecretStore } from '../../main/core/secrets/store';
import { startWebHost, type WebHost } from '../../main/web/host';
import { requestChannel } from '../../shared/contract';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { FAST_TUNING, until } from '../support/jobs-env';
import { CHAINER, submitJob } from '../support/live-jobs';

let sb: RunningSandbox;
let dir: string;
let web: Courier;
let host: WebHost;
let cookie: string;
const secrets = new MemorySecretStore();
const others: Courier[] = [];

const open = (extra: { notifier?: { show(n: { title: string; body: string; jobId?: string }): void } } = {}) =>
  createCourier({ shell: extra.notifier ? 'electron' : 'web', version: '0.0.0-test', dataDir: join(dir, 'data'), secrets, jobsTuning: FAST_TUNING, ...extra });

async function follow(name: string): Promise<string> {
  const jobId = await submitJob(sb, CHAINER, name);
  const r = await web.router.dispatch(requestChannel('jobs', 'follow'), { jobId }, { transport: 'memory' });
  expect(r.ok).toBe(true);
  return jobId;
}

/** The job ended, its outputs settled (none asked for): the web host has had its chance to announce it. */
async function endedHere(jobId: string): Promise<void> {
  const row = () => web.jobs.tracked.get(web.accounts.activeId()!, jobId);
  await until('the web host to see the job end', () => row()?.terminal && row()?.outputsState === 'none', 60_000);
  await new Promise((r) => setImmediate(r)); // the announcement follows the outputs within the same turn
}

beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 2, faults: true });
  dir = mkdtempSync(join(tmpdir(), 'courier-web-notices-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
  web = await open();
  await web.accounts.add({ platform: { kind: 'sandbox', apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint }, apiKey: sb.token, label: 'Sandbox' });
  host = await startWebHost({ courier: web, rendererDir });
  const r = await request(host.url);
  cookie = String(r.headers['set-cookie']).split(';')[0]!;
  await r.body.dump();
}, 60_000);
afterAll(async () => {
  await host?.close();
  for (const c of [...others, web]) await c?.close().catch(() => undefined);
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web host with no page open', () => {
  test('claims no notice: the app opened on the same folder shows it, once', async () => {
    const jobId = await follow('solve web-a');
    await endedHere(jobId);
    expect(web.jobs.tracked.get(web.accounts.activeId()!, jobId)?.notified).toBe(false);
    const shown: { title: string; jobId?: string }[] = [];
    others.push(await open({ notifier: { show: (n) => shown.push(n) } }));
    const n = await until('the app to announce it', () => shown.find((s) => s.jobId === jobId), 30_000);
    expect(n.title).toBe('Job finished: solve web-a');
    expect(shown.filter((s) => s.jobId === jobId)).toHaveLength(1);
    expect(web.jobs.tracked.get(web.accounts.activeId()!, jobId)?.notified).toBe(true);
    await others.pop()!.close();
  }, 120_000);

  test('keeps the notice for the next page: delivered when a page connects', async () => {
    const jobId = await follow('solve web-b');
    await endedHere(jobId);
    expect(web.jobs.tracked.get(web.accounts.activeId()!, jobId)?.notified).toBe(false);

    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/rpc`, { headers: { cookie, origin: host.origin } });
    const frames: { t: string; ch?: string; payload?: { title?: string; jobId?: string } }[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as (typeof frames)[number]));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ t: 'req', id: 1, ch: requestChannel('app', 'info'), input: {} })); // the page is up
    const n = await until('the page to get the notice', () => frames.find((f) => f.t === 'evt' && f.payload?.jobId === jobId && f.payload.title), 30_000);
    expect(n.payload?.title).toBe('Job finished: solve web-b');
    expect(web.jobs.tracked.get(web.accounts.activeId()!, jobId)?.notified).toBe(true);

    // With the page open, a job that ends is announced to it as before, once.
    const live = await follow('solve web-c');
    await until('the live notice', () => frames.find((f) => f.payload?.jobId === live && f.payload.title === 'Job finished: solve web-c'), 60_000);
    const closed = new Promise((r) => ws.once('close', r));
    ws.close();
    await closed;
    expect(frames.filter((f) => f.payload?.title?.startsWith('Job finished')).map((f) => f.payload?.title)).toEqual([
      'Job finished: solve web-b',
      'Job finished: solve web-c',
    ]);
  }, 120_000);
});
