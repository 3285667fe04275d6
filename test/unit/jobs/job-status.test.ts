// The status vocabulary against histories as the platform really sends them: words Courier did
// not know, "+00:00" stamps at whole seconds, extra fields, no id/jobId, pages out of order.
import { describe, expect, test } from 'vitest';
import { isFinalStatus, JOB_STATUSES, orderHistory, parseStatusDate, statusDef, statusDisplayName } from '../../../shared/job-status';
import { isTerminal, outcomeOf, outcomeOfStatus, toHistory } from '../../../main/core/jobs/status';
import { jobStatusEntry } from '../../../main/core/rescale/models';
import { catchUpMessage, finishedMessage } from '../../../main/core/notify/messages';

/** A statuses page as the v3 API sends it: newest first, offsets, notify/preventDuplicates, no ids. */
const PAGE = [
  { status: 'Force Stop', statusDate: '2024-01-02T03:09:00+00:00', statusReason: null, substatus: null, notify: true, preventDuplicates: false },
  { status: 'Stopping', statusDate: '2024-01-02T03:08:30.250000+00:00', statusReason: 'User Terminated', notify: false, preventDuplicates: true },
  { status: 'Executing', statusDate: '2024-01-02T03:06:00+00:00', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Validated', statusDate: '2024-01-02T03:05:59Z', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Started', statusDate: '2024-01-02T03:05:00+00:00', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Waiting for Cluster', statusDate: '2024-01-02T03:04:30+00:00', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Queued', statusDate: '2024-01-02T03:04:05+00:00', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Waiting for Queue', statusDate: '2024-01-02T03:04:05+00:00', statusReason: null, notify: false, preventDuplicates: false },
  { status: 'Pending', statusDate: '2024-01-02T03:04:05+00:00', statusReason: null, notify: false, preventDuplicates: false },
];

describe('the vocabulary', () => {
  test('every word the platform sends has a key, an order and a final flag', () => {
    expect(JOB_STATUSES.filter((s) => s.final).map((s) => s.status)).toEqual(['Completed', 'Failed', 'Force Stop', 'Force Stopped', 'Stopped', 'Terminated']);
    for (const s of ['Force Stop', 'Force Stopped', 'Failed', 'Completed']) expect(isFinalStatus(s)).toBe(true);
    for (const s of ['Pending', 'Waiting for Queue', 'Queued', 'Waiting for Cluster', 'Started', 'Validated', 'Executing', 'Stopping'])
      expect(isFinalStatus(s)).toBe(false);
    expect(statusDef('waiting for  queue')?.key).toBe('waitingForQueue'); // spacing and case vary
    expect(statusDisplayName('Force Stop')).toBe('Force stopped');
  });

  test('an unknown word is shown as sent, never final, never a crash', () => {
    for (const s of ['Suspended', 'Archived', 'Paused: quota', '__proto__', 'constructor', '']) {
      expect(statusDef(s)).toBeNull();
      expect(isFinalStatus(s)).toBe(false);
      expect(statusDisplayName(s)).toBe(s);
    }
    expect(isFinalStatus(null)).toBe(false);
    expect(outcomeOf(toHistory([{ status: 'Suspended', statusDate: '2024-01-02T03:04:05+00:00' }]))).toBe('running');
  });

  test('Force Stop ends a job (it used to look running forever)', () => {
    expect(isTerminal('Force Stop')).toBe(true);
    expect(outcomeOfStatus('Force Stop')).toBe('stopped');
    expect(outcomeOf(toHistory(PAGE))).toBe('stopped');
    expect(outcomeOfStatus('Failed')).toBe('failed');
    // Forced after the platform's own stop for a failed run: a failure, as for Completed after such a Stopping.
    expect(outcomeOf(toHistory([PAGE[0]!, { ...PAGE[1]!, statusReason: 'A run failed' }, PAGE[2]!]))).toBe('failed');
  });
});

describe('dates', () => {
  test.each([
    ['2024-01-02T03:04:05+00:00', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05.123456+00:00', Date.UTC(2024, 0, 2, 3, 4, 5, 123)],
    ['2024-01-02T12:04:05.5+09:00', Date.UTC(2024, 0, 2, 3, 4, 5, 500)],
    ['2024-01-02T03:04:05-0700', Date.UTC(2024, 0, 2, 10, 4, 5)],
    ['2024-01-02 03:04:05', Date.UTC(2024, 0, 2, 3, 4, 5)],
  ])('%s', (s, ms) => expect(parseStatusDate(s)).toBe(ms));
  test('unreadable dates are null', () => {
    for (const s of ['', 'yesterday', '2024-13-45T99:00:00Z', null]) expect(parseStatusDate(s)).toBeNull();
  });
});

describe('record shapes and order', () => {
  test('v3 entries without id/jobId, with notify/preventDuplicates/substatus, parse; Courier keeps three fields', () => {
    const parsed = PAGE.map((e) => jobStatusEntry.parse(e));
    const h = toHistory(parsed);
    expect(h[0]).toEqual({ status: 'Force Stop', statusDate: '2024-01-02T03:09:00+00:00', statusReason: null });
    expect(Object.keys(h[1]!)).toEqual(['status', 'statusDate', 'statusReason']);
    expect(toHistory([{ status: 'Pending', statusDate: '2024-01-02T03:04:05+00:00' }])[0]?.statusReason).toBeNull();
  });

  test('an entry with a numeric id or no date is kept, not the reason a whole page is refused', () => {
    const page = [
      { id: 17, status: 'Queued', statusDate: null, statusReason: null },
      { id: 16, status: 'Pending', statusDate: '2024-01-02T03:04:05+00:00' },
    ].map((e) => jobStatusEntry.parse(e));
    expect(toHistory(page).map((e) => [e.status, e.statusDate])).toEqual([
      ['Queued', ''],
      ['Pending', '2024-01-02T03:04:05+00:00'],
    ]);
  });

  test('equal whole-second stamps in any order: the vocabulary decides; the current status is the newest', () => {
    const shuffled = [PAGE[8]!, PAGE[6]!, PAGE[7]!, ...PAGE.slice(0, 6)].reverse(); // oldest-first page, ties scrambled
    expect(toHistory(shuffled).map((e) => e.status)).toEqual(PAGE.map((e) => e.status));
    const tie = [
      { status: 'Executing', statusDate: '2024-01-02T03:04:05+00:00', statusReason: null },
      { status: 'Completed', statusDate: '2024-01-02T03:04:05+00:00', statusReason: 'Completed successfully' },
    ];
    expect(outcomeOf(toHistory(tie))).toBe('completed');
  });

  test('an unknown word sits right after the known status it followed; so does an unreadable date', () => {
    const page = [
      { status: 'Executing', statusDate: '2024-01-02T03:06:00+00:00' },
      { status: 'Provisioning GPUs', statusDate: '2024-01-02T03:05:00+00:00' },
      { status: 'Started', statusDate: '2024-01-02T03:05:00+00:00' },
      { status: 'Queued', statusDate: 'not a date' },
      { status: 'Pending', statusDate: '2024-01-02T03:04:05+00:00' },
    ];
    expect(orderHistory(page).map((e) => e.status)).toEqual(['Executing', 'Provisioning GPUs', 'Started', 'Queued', 'Pending']);
    expect(orderHistory([...page].reverse()).map((e) => e.status)).toEqual(['Executing', 'Provisioning GPUs', 'Started', 'Queued', 'Pending']);
    expect(outcomeOf(toHistory(page.slice(1)))).toBe('running'); // the unknown word is current: still running
  });
});

describe('notifications', () => {
  const job = (history: ReturnType<typeof toHistory>) => ({ jobId: 'J1', name: 'train', outcome: outcomeOf(history), history });
  test('Failed says failed (with the reason), Force Stop says stopped — neither says finished', () => {
    const failed = finishedMessage(
      job(toHistory([{ status: 'Failed', statusDate: '2024-01-02T03:09:00+00:00', statusReason: 'Command exited with code 1' }, PAGE[2]!])),
    );
    expect(failed).toEqual({ title: 'Job failed: train', body: 'Job J1 failed: Command exited with code 1.', level: 'error' });
    const forced = finishedMessage(job(toHistory(PAGE)));
    expect(forced).toMatchObject({ title: 'Job stopped: train', level: 'warn' });
    expect(forced.body).toBe('Job J1 was force-stopped.');
  });

  test('jobs that ended while Courier was closed: one notice saying how many and how they ended', () => {
    const ended = (jobId: string, status: string, at: string) => job(toHistory([{ status, statusDate: at, statusReason: null }, PAGE[2]!]));
    const jobs = [
      ended('A', 'Completed', '2024-01-02T04:00:00Z'),
      ended('B', 'Completed', '2024-01-02T05:00:00Z'),
      ended('C', 'Failed', '2024-01-02T03:30:00Z'),
      ended('D', 'Force Stop', '2024-01-02T03:40:00Z'),
    ];
    expect(catchUpMessage(jobs, Date.parse('2024-01-02T08:00:00Z'))).toEqual({
      title: '4 jobs finished while Courier was closed',
      body: '2 completed, 1 failed, 1 stopped; the last one 3 h ago. Each is in Jobs and in the activity log.',
      level: 'error',
    });
    expect(catchUpMessage(jobs.slice(0, 2), Date.parse('2024-01-02T05:20:00Z'))).toMatchObject({
      body: expect.stringMatching(/^2 completed; the last one 20 min ago\./),
      level: 'info',
    });
  });
});
