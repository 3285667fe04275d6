// The job timeline's model: every word of the vocabulary has a name in English and Japanese, an
// unknown word is shown as sent (marked, never a translation lookup), dates with +00:00 and
// microseconds are read, and the newest status is on top whatever order the page came in.
import i18next from 'i18next';
import { beforeAll, describe, expect, test } from 'vitest';
import { JOB_STATUSES } from '../../../shared/job-status';
import { en } from '../../../renderer/src/i18n/en';
import { ja } from '../../../renderer/src/i18n/ja';
import { statusLabel } from '../../../renderer/src/views/jobs/labels';
import { timelineRows } from '../../../renderer/src/views/jobs/timeline';

beforeAll(async () => {
  await i18next.init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng: 'en',
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
});

const row = (status: string, statusDate: string, statusReason: string | null = null) => ({ status, statusDate, statusReason });

describe('status names', () => {
  test('every vocabulary word has an English and a Japanese name', () => {
    for (const s of JOB_STATUSES) {
      expect(en.jobs.status[s.key as keyof typeof en.jobs.status], s.status).toBeTruthy();
      expect(ja.jobs.status[s.key as keyof typeof ja.jobs.status], s.status).toBeTruthy();
    }
  });

  test('the waiting statuses and the other endings read as words, in both languages', async () => {
    expect(['Waiting for Queue', 'Waiting for Cluster', 'Force Stop', 'Failed'].map(statusLabel)).toEqual([
      'Waiting for queue',
      'Waiting for cluster',
      'Force stopped',
      'Failed',
    ]);
    await i18next.changeLanguage('ja');
    expect(['Waiting for Queue', 'Waiting for Cluster', 'Force Stop', 'Failed'].map(statusLabel)).toEqual([
      'キュー投入待ち',
      'クラスター起動待ち',
      '強制停止',
      '失敗',
    ]);
    await i18next.changeLanguage('en');
  });

  test('an unknown word is shown exactly as sent, even one that looks like a key path', () => {
    for (const s of ['Suspended', 'jobs.status.completed', 'common:save', 'none', 'constructor']) expect(statusLabel(s)).toBe(s);
  });
});

describe('timeline rows', () => {
  test('newest first, unknown words marked and kept after the status they followed, +00:00 dates read', () => {
    const rows = timelineRows([
      row('Pending', '2024-01-02T03:04:05+00:00'),
      row('Waiting for Queue', '2024-01-02T03:04:05+00:00'),
      row('Queued', '2024-01-02T03:04:05.500000+00:00'),
      row('Waiting for Cluster', '2024-01-02T03:04:30+00:00'),
      row('Provisioning', '2024-01-02T03:04:30+00:00'),
      row('Started', '2024-01-02T03:05:00+00:00'),
      row('Failed', '2024-01-02T03:09:00+00:00', 'Command exited with code 1'),
    ]);
    expect(rows.map((r) => [r.label, r.known, r.current])).toEqual([
      ['Failed', true, true],
      ['Started', true, false],
      ['Provisioning', false, false],
      ['Waiting for cluster', true, false],
      ['Queued', true, false],
      ['Waiting for queue', true, false],
      ['Pending', true, false],
    ]);
    expect(rows[0]).toMatchObject({ iso: '2024-01-02T03:09:00.000Z', reason: 'Command exited with code 1' });
    expect(rows[0]!.date).toMatch(/:09:00/); // seconds shown
    expect(rows[4]!.iso).toBe('2024-01-02T03:04:05.500Z');
  });

  test('an unreadable date is shown as sent, without a machine-readable time', () => {
    const [r] = timelineRows([row('Queued', 'last Tuesday')]);
    expect(r).toMatchObject({ iso: '', date: 'last Tuesday', label: 'Queued' });
  });
});
