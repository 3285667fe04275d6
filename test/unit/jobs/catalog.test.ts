import { mkdtempSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { describe, expect, test } from 'vitest';
import { CatalogService } from '../../../main/core/jobs/catalog';
import { RescaleApi } from '../../../main/core/rescale/api';

/** A real API client pointed at a port nobody listens on: the platform is unreachable. */
const unreachable = () => new RescaleApi({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k'.repeat(20), dispatcher: new Agent(), limiter: { acquire: async () => undefined, block: async () => undefined }, maxAttempts: 1 });

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
