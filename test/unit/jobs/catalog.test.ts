import { once } from 'node:events';
import { mkdtempSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { describe, expect, test } from 'vitest';
import { CatalogService } from '../../../main/core/jobs/catalog';
import { RescaleApi } from '../../../main/core/rescale/api';

/** A real API client pointed at a port nobody listens on: the platform is unreachable. */
const unreachable = () =>
  new RescaleApi({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'k'.repeat(20),
    dispatcher: new Agent(),
    limiter: { acquire: async () => undefined, block: async () => undefined },
    maxAttempts: 1,
  });

describe('the catalog cache', () => {
  const entry = { fetchedAt: 0, coreTypes: [{ code: 'obsidian', name: 'Obsidian', cores: [2, 4], gpu: true }], analyses: [], currency: 'USD' };

  test('unreachable platform: the disk cache is served, marked stale, with its age and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-cat-'));
    mkdirSync(dir, { recursive: true });
    const now = 1_800_000_000_000;
    writeFileSync(join(dir, 'acc.json'), JSON.stringify({ ...entry, fetchedAt: now - 2 * 86_400_000 }));
    const c = new CatalogService(dir, () => now);
    const v = await c.get('acc', unreachable(), { refresh: true });
    expect(v).toMatchObject({ stale: true, ageSeconds: 172_800, coreTypes: [{ code: 'obsidian' }] });
    expect(v.error).toMatch(/Cannot reach 127\.0\.0\.1:9/);
  });

  test('a cache written before prices were kept counts as old: it is asked for again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-cat-'));
    const now = 1_800_000_000_000;
    writeFileSync(join(dir, 'old.json'), JSON.stringify({ ...entry, currency: undefined, fetchedAt: now - 60_000 }));
    writeFileSync(join(dir, 'new.json'), JSON.stringify({ ...entry, fetchedAt: now - 60_000 }));
    const c = new CatalogService(dir, () => now);
    expect(c.cached('old')).toMatchObject({ stale: true, currency: 'USD' });
    expect(c.cached('new')).toMatchObject({ stale: false, currency: 'USD' });
  });

  test('a fresh cache is used without asking; none at all and unreachable is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-cat-'));
    const now = 1_800_000_000_000;
    writeFileSync(join(dir, 'acc.json'), JSON.stringify({ ...entry, fetchedAt: now - 60_000 }));
    const c = new CatalogService(dir, () => now);
    expect(await c.get('acc', unreachable())).toMatchObject({ stale: false, ageSeconds: 60 });
    await expect(c.get('other', unreachable())).rejects.toMatchObject({ code: 'offline' });
    expect(c.cached('other')).toBeNull();
    expect(statSync(join(dir, 'acc.json')).isFile()).toBe(true);
  });
});

describe('a catalog with records the platform got wrong', () => {
  test('keeps the good ones, counts the others for a quiet warning (on disk too) and tells the log once per list', async () => {
    const pages: Record<string, unknown[]> = {
      '/api/v2/coretypes/': [{ code: 'emerald', name: 'Emerald', cores: [4] }, { name: 'A core type without a code' }],
      '/api/v2/analyses/': [{ code: 'openfoam', versions: [{ versionCode: '10.0', version: '10' }] }, 42, { name: 'No code either' }],
    };
    const server = createServer((req, res) => {
      const results = pages[new URL(req.url ?? '/', 'http://x').pathname] ?? [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ count: results.length, next: null, results }));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const logged: string[] = [];
    const agent = new Agent();
    try {
      const api = new RescaleApi({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        apiKey: 'k'.repeat(20),
        dispatcher: agent,
        limiter: { acquire: async () => undefined, block: async () => undefined },
        maxAttempts: 1,
        onSkipped: (m) => logged.push(m),
      });
      const dir = mkdtempSync(join(tmpdir(), 'courier-cat-'));
      const v = await new CatalogService(dir).get('acc', api);
      expect(v.coreTypes.map((c) => c.code)).toEqual(['emerald']);
      // The software entry without a name is listed under its code.
      expect(v.analyses).toEqual([{ code: 'openfoam', name: 'openfoam', versions: [{ version: '10', versionCode: '10.0', allowedCoreTypes: [] }] }]);
      expect(v.skipped).toEqual({ coreTypes: 1, analyses: 2 });
      // A later start reads the warning from the cache, without asking the platform.
      expect(new CatalogService(dir).cached('acc')?.skipped).toEqual({ coreTypes: 1, analyses: 2 });
      expect(logged).toHaveLength(2);
      expect(logged.find((m) => m.includes('software catalog'))).toMatch(/^2 records Rescale sent .* were left out/);
    } finally {
      await agent.close();
      server.close();
    }
  });
});
