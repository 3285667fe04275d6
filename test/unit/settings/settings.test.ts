import { phraseText } from '../../../shared/activity-phrases';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { JsonFileSettingsBackend } from '../../../main/core/settings/backend';
import { SettingsService } from '../../../main/core/settings/service';
import { normalizeApiUrl, platformFromUrl, resolvePlatform } from '../../../main/core/platforms';
import { CourierError } from '../../../shared/errors';
import { SETTINGS_TABLE } from '../../../shared/settings-table';

function fresh(content?: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'courier-settings-'));
  if (content !== undefined) writeFileSync(join(dir, 'settings.json'), typeof content === 'string' ? content : JSON.stringify(content));
  const notes: string[] = [];
  const svc = new SettingsService(new JsonFileSettingsBackend(dir), {
    warn: (m) => notes.push(`warn ${phraseText(m)}`),
    info: (m) => notes.push(`info ${phraseText(m)}`),
  });
  return { dir, svc, notes };
}

describe('settings', () => {
  test('a fresh install gets defaults, written owner-only', () => {
    const { dir, svc } = fresh();
    expect(svc.get().transfers.parallelFiles).toBe(SETTINGS_TABLE.parallelFiles.default);
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  test('migrates a version-1 file once and keeps a backup', () => {
    const v1 = { transfers: { maxConcurrent: 3, bandwidthKBps: 512 }, downloadDir: '/data/out', theme: 'dark', language: 'ja', accounts: [] };
    const { dir, svc, notes } = fresh(v1);
    const s = svc.get();
    expect(s.version).toBe(2);
    expect(s.transfers.parallelFiles).toBe(3);
    expect(s.transfers.bandwidthBytesPerSecond).toBe(512 * 1024);
    expect(s.downloads.folder).toBe('/data/out');
    expect(s.appearance).toEqual({ theme: 'dark', language: 'ja' });
    expect(notes.some((n) => n.includes('from version 1 to 2'))).toBe(true);
    expect(readdirSync(dir).some((f) => f.includes('.v1-'))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).version).toBe(2);
    // Second start: nothing left to migrate.
    const again = new SettingsService(new JsonFileSettingsBackend(dir));
    expect(again.get()).toEqual(s);
  });

  test('an invalid file is backed up and replaced by defaults, not a crash', () => {
    const { dir, svc, notes } = fresh({ version: 2, transfers: { parallelFiles: -4 } });
    expect(svc.get().transfers.parallelFiles).toBe(SETTINGS_TABLE.parallelFiles.default);
    expect(notes.join()).toMatch(/invalid value \(transfers.parallelFiles/);
    expect(readdirSync(dir).some((f) => f.includes('.invalid-'))).toBe(true);
  });

  test.each([
    ['not JSON', '{"version": 2, "transfers": {'],
    ['not an object', '[1, 2]'],
  ])('a settings file that is %s is kept aside byte for byte and settings start from the defaults', (_what, text) => {
    const { dir, svc } = fresh(text);
    expect(svc.get().transfers.parallelFiles).toBe(SETTINGS_TABLE.parallelFiles.default);
    const kept = readdirSync(dir).filter((f) => f.startsWith('settings.json.unreadable-'));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(dir, kept[0] as string), 'utf8')).toBe(text);
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).version).toBe(2);
  });

  test('a patch changes only what it names; bad values name the field', () => {
    const { svc } = fresh();
    svc.update({ transfers: { partSizeMiB: 32 } });
    expect(svc.get().transfers).toMatchObject({ partSizeMiB: 32, parallelFiles: SETTINGS_TABLE.parallelFiles.default });
    try {
      svc.update({ transfers: { parallelFiles: 0 } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CourierError);
      expect((e as CourierError).field).toBe('transfers.parallelFiles');
    }
    expect(() => svc.update({ transfers: { bandwidthSchedule: [{ from: '25:00', to: '08:00', bytesPerSecond: 1 << 20 }] } })).toThrow(/HH:MM/);
  });
});

describe('platforms', () => {
  test('https only, loopback http allowed, trailing slash dropped', () => {
    expect(normalizeApiUrl('https://platform.rescale.jp/')).toBe('https://platform.rescale.jp');
    expect(normalizeApiUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => normalizeApiUrl('http://platform.rescale.com')).toThrow(/Only https/);
    expect(() => normalizeApiUrl('https://user:pw@platform.rescale.com')).toThrow(/user name/);
    expect(() => normalizeApiUrl('https://platform.rescale.com/api/v2/')).toThrow(/without a path/);
    expect(() => normalizeApiUrl('platform')).toThrow(/not a URL/);
  });
  test('known hosts are recognised, ITAR hosts need FIPS', () => {
    expect(platformFromUrl('https://platform.rescale.jp/')).toEqual({ kind: 'known', id: 'rescale-jp' });
    expect(resolvePlatform(platformFromUrl('https://itar.rescale-gov.com')).fips).toBe(true);
    expect(platformFromUrl('https://rescale.example.com')).toEqual({ kind: 'custom', apiUrl: 'https://rescale.example.com' });
  });
});
