import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import type WebSocket from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eventChannel, requestChannel } from '../../shared/contract';
import type { TransferView } from '../../shared/contract/events';
import { call, openRpc, recordEscapes, type Access } from '../support/hostile-client';
import { startWebApp, type WebApp } from '../support/web-app';
import { buildCorpus, runCorpus } from '../support/web-fuzz-cases';

// A few thousand malformed requests, upgrades, frames and staging PUTs against the web host while
// an upload started through the renderer's API is running: afterwards the host still answers, the
// upload still completes, nothing reached the process and nothing was written outside the data folder.
const SEED = 0x5eed_c0de;
const COUNTS = { http: 1200, upgrade: 600, frames: 700, staging: 500 };
const FILE_BYTES = 6 << 20;
const LIMIT_BYTES_PER_SECOND = 1 << 20; // keeps the upload in flight while the fuzzing runs

let app: WebApp;
let outer: string;
let access: Access;
let ws: WebSocket;
const states = new Map<string, TransferView>();
const watchers = new Set<() => void>();

/** Resolves once `test` holds for the transfer states seen on the socket (events, not polling). */
const until = (test: () => boolean) =>
  new Promise<void>((resolve) => {
    if (test()) return resolve();
    const w = () => {
      if (!test()) return;
      watchers.delete(w);
      resolve();
    };
    watchers.add(w);
  });

let nextId = 1;
async function rpc(domain: string, method: string, input: unknown): Promise<unknown> {
  const r = await call(ws, nextId++, requestChannel(domain, method), input);
  if (!r.ok) throw new Error(`${domain}.${method}: ${r.error?.code}: ${r.error?.message}`);
  return r.value;
}

beforeAll(async () => {
  outer = mkdtempSync(join(tmpdir(), 'courier-fuzz-'));
  app = await startWebApp({ dataDir: join(outer, 'data') });
  const r = await request(app.host.url);
  access = { port: app.host.port, cookie: String(r.headers['set-cookie']).split(';')[0]!, origin: app.host.origin };
  await r.body.dump();
  ws = await openRpc(access);
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as { t: string; ch?: string; payload?: { items: TransferView[] } };
    if (f.t !== 'evt' || f.ch !== eventChannel('transfersProgress')) return;
    for (const item of f.payload!.items) states.set(item.id, item);
    for (const w of [...watchers]) w();
  });
});
afterAll(async () => {
  ws?.close();
  await app?.stop();
});

test('the web host survives a few thousand hostile requests and a running upload completes', { timeout: 120_000 }, async () => {
  // The upload, started as the renderer starts it: sandbox sign-in, a bandwidth limit, then the file.
  await rpc('accounts', 'addSandbox', {});
  await rpc('settings', 'update', { transfers: { bandwidthBytesPerSecond: LIMIT_BYTES_PER_SECOND } });
  const src = join(outer, 'data', 'to-upload');
  mkdirSync(src);
  writeFileSync(join(src, 'fuzz-upload.bin'), Buffer.alloc(FILE_BYTES, 0x5a));
  const started = (await rpc('transfers', 'upload', { paths: [join(src, 'fuzz-upload.bin')] })) as { items: TransferView[] };
  const id = started.items[0]!.id;
  await until(() => (states.get(id)?.bytesDone ?? 0) > 0);

  const escapes = recordEscapes();
  const t0 = Date.now();
  try {
    await runCorpus(buildCorpus(access, SEED, COUNTS), 24);
  } finally {
    escapes.stop();
  }
  const fuzzMs = Date.now() - t0;
  expect(fuzzMs).toBeLessThan(60_000);
  expect(escapes.escaped).toEqual([]);
  expect(states.get(id)?.state).not.toMatch(/failed|cancelled|paused/); // still going when the fuzzing ended, or done

  // Still serving: the page, and a request on a fresh authenticated socket.
  const page = await request(`${access.origin}/`, { headers: { cookie: access.cookie } });
  expect(page.statusCode).toBe(200);
  await page.body.dump();
  const fresh = await openRpc(access);
  expect(await call(fresh, 1, requestChannel('app', 'info'), {})).toMatchObject({ ok: true, value: { name: 'Courier' } });
  fresh.close();

  // The upload started before the fuzzing completes, whole.
  await until(() => ['done', 'failed', 'cancelled'].includes(states.get(id)?.state ?? ''));
  expect(states.get(id)).toMatchObject({ state: 'done', bytesDone: FILE_BYTES });
  // Nothing landed beside the data folder (staging names tried to climb out of it).
  expect(readdirSync(outer)).toEqual(['data']);
  console.log(`web fuzz: ${Object.values(COUNTS).reduce((s, n) => s + n, 0)} cases in ${fuzzMs} ms (seed ${SEED.toString(16)})`);
});
