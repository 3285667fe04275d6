// A folder upload under the platform's API limit: the bytes are stored long before the files
// are registered (POST /api/v3/files/ at the API's pace), the progress says both, and a kill -9
// in the middle of the registrations, then a restart, ends with every file registered exactly
// once (counted at the sandbox). Also: a registration whose answer is lost is not made twice.
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChildSpec } from '../../support/engine-child';
import { spawnEngine, type ChildLine } from '../../support/engine-process';
import { content, transferEnv, type TransferEnv } from '../../support/transfer-env';

const FILES = 300;
// The platform allows 2 v3 requests a second; the default here is faster so the test fits in
// CI (REGS_TEST_RATE=2 runs it at the real pace). The client keeps to 85 % of it, as the app does.
const RATE = Number(process.env.REGS_TEST_RATE ?? 8);
const CLIENT_RATE = RATE * 0.85;
let env: TransferEnv;

beforeAll(async () => {
  env = await transferEnv();
  env.sb.setRateLimits(true, { user: { ratePerSec: RATE, burst: 10 } });
});
afterAll(async () => env.close());

async function makeFolder(dir: string, n: number, size: number): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = Array.from({ length: n }, (_, i) => `f-${String(i).padStart(4, '0')}.dat`);
  for (const name of names) await writeFile(join(dir, name), content(size));
  return names;
}

async function remoteFolder(name: string): Promise<string> {
  const root = await env.storage.uploadTarget();
  const f = (await env.storage.listFolder(root.rootFolderId)).folders.filter((x) => x.name === name);
  expect(f).toHaveLength(1);
  return (f[0] as { id: string }).id;
}

const regs = (l: ChildLine) => l.overall?.registrations;

describe('registrations behind the bytes', () => {
  it(`kill -9 halfway through ${FILES} registrations: a restart registers every file exactly once`, { timeout: 600_000 }, async () => {
    const dir = join(env.dir, 'regs-300');
    const names = await makeFolder(dir, FILES, 16 * 1024);
    const journalPath = join(env.dir, 'regs', 'transfers.db');
    const spec: ChildSpec = {
      apiUrl: env.sb.apiUrl,
      token: env.sb.token,
      s3Endpoint: env.sb.s3Endpoint,
      journalPath,
      sealerKeyHex: env.sealerKey.toString('hex'),
      op: 'upload',
      paths: [dir],
      apiRate: CLIENT_RATE,
    };
    const first = spawnEngine(spec);
    // Every byte stored while most files still wait for their registration.
    const stored = await first.waitFor((l) => Boolean(l.overall && l.overall.bytesTotal > 0 && l.overall.bytesDone >= l.overall.bytesTotal && regs(l)));
    const atStored = regs(stored);
    expect(atStored?.total).toBe(FILES);
    expect(atStored?.done).toBeLessThan(FILES / 2);
    expect((atStored?.waiting ?? 0) + (atStored?.done ?? 0)).toBeGreaterThan(FILES / 2);
    // The ETA is the remaining registrations at the limiter's pace.
    expect(atStored?.perSecond).toBeCloseTo(CLIENT_RATE, 1);
    expect(atStored?.etaSeconds).toBeGreaterThanOrEqual(Math.floor((FILES - (atStored?.done ?? 0)) / CLIENT_RATE));

    await first.waitFor((l) => (regs(l)?.done ?? 0) >= FILES / 2);
    await first.kill9();

    // The journal holds "stored, not registered" rows: they are what the restart registers.
    const db = new Database(journalPath, { readonly: true, fileMustExist: true });
    const phases = db.prepare('SELECT phase, COUNT(*) AS n FROM uploads GROUP BY phase').all() as { phase: string; n: number }[];
    db.close();
    const waiting = phases.filter((p) => p.phase === 'uploaded' || p.phase === 'registering').reduce((n, p) => n + p.n, 0);
    expect(waiting).toBeGreaterThan(0);
    expect(waiting).toBeLessThan(FILES);

    const second = spawnEngine({ ...spec, op: 'resume' });
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    const files = (settled.views ?? []).filter((v) => !v.isBatch);
    expect(files.filter((v) => v.state !== 'done').map((v) => v.error)).toEqual([]);

    // Counted at the sandbox: exactly one record per local file.
    const listed = await env.storage.listFolder(await remoteFolder(basename(dir)));
    expect(listed.files).toHaveLength(FILES);
    expect(listed.files.map((f) => f.name).sort()).toEqual(names);
  });

  it('a registration whose answer was lost is found, not made twice', { timeout: 120_000 }, async () => {
    env.sb.setRateLimits(false);
    const dir = join(env.dir, 'lost-answers');
    const names = await makeFolder(dir, 6, 1024);
    env.sb.resetStats();
    // The platform registers the file, then the answer is lost (a 502 from a proxy, say).
    env.sb.addFault({ target: 'api', method: 'POST', path: '/api/v3/files/', status: 502, applyEffect: true, times: 3 });
    const svc = await env.service({ journalPath: join(env.dir, 'lost', 'transfers.db') });
    const views = await svc.enqueueUpload([dir]);
    const settled = await svc.whenSettled(views.map((v) => v.id));
    expect(settled.filter((v) => v.state !== 'done').map((v) => v.error)).toEqual([]);
    expect(env.sb.stats().faultsFired).toBe(3);
    const listed = await env.storage.listFolder(await remoteFolder(basename(dir)));
    expect(listed.files.map((f) => f.name).sort()).toEqual(names);
    expect(env.sb.stats().api['POST /api/v3/files/']).toBe(6);
  });
});
