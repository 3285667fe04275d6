import { describe, expect, test } from 'vitest';
import { CourierError } from '../../../shared/errors';
import type { JobStatusItem } from '../../../shared/jobs';
import { nextDelayMs, Pacer } from '../../../main/core/jobs/poll-schedule';
import { verdictOf } from '../../../main/core/jobs/send-errors';
import { isTerminal, outcomeOf } from '../../../main/core/jobs/status';
import { matchOutputs } from '../../../main/core/jobs/outputs';
import { displayName, finishedMessage } from '../../../main/core/notify/messages';

const h = (...items: [string, string?][]): JobStatusItem[] =>
  items.map(([status, reason], i) => ({ status, statusReason: reason ?? null, statusDate: new Date(Date.UTC(2026, 0, 1, 0, 10 - i)).toISOString() }));

describe('what a status history means (newest first)', () => {
  test('normal progress and success', () => {
    expect(outcomeOf([])).toBe('not_submitted');
    expect(outcomeOf(h(['Executing'], ['Validated'], ['Started'], ['Queued'], ['Pending']))).toBe('running');
    expect(outcomeOf(h(['Completed', 'Completed successfully'], ['Executing'], ['Pending']))).toBe('completed');
  });
  test('Completed after Stopping is a stop; after a failing run a failure', () => {
    expect(outcomeOf(h(['Completed', 'User Terminated'], ['Stopping', 'User Terminated'], ['Executing']))).toBe('stopped');
    expect(outcomeOf(h(['Completed'], ['Stopping', 'A run failed'], ['Executing']))).toBe('failed');
  });
  test('Completed with a failure reason is a failure', () => {
    expect(outcomeOf(h(['Completed', 'Exceeded max number of restarts'], ['Executing']))).toBe('failed');
    expect(outcomeOf(h(['Completed', 'Could not allocate compute resources from the compute provider'], ['Queued']))).toBe('failed');
  });
  test('the other terminal statuses', () => {
    expect(outcomeOf(h(['Failed']))).toBe('failed');
    expect(outcomeOf(h(['Terminated']))).toBe('failed');
    expect(outcomeOf(h(['Force Stopped']))).toBe('stopped');
    expect(outcomeOf(h(['Stopped']))).toBe('stopped');
    for (const s of ['Completed', 'Failed', 'Stopped', 'Force Stopped', 'Terminated']) expect(isTerminal(s)).toBe(true);
    for (const s of ['Pending', 'Queued', 'Started', 'Validated', 'Executing', 'Stopping', 'Waiting for Queue']) expect(isTerminal(s)).toBe(false);
  });
});

describe('poll timing', () => {
  const t = { fastMs: 10_000, slowMs: 120_000 };
  const mid = () => 0.5;
  test('fast right after a change, slower while a job sits, never beyond slow', () => {
    const d = [0, 1, 2, 3, 4, 10].map((n) => nextDelayMs({ unchanged: n, errors: 0 }, t, mid));
    expect(d[0]).toBe(10_000);
    expect(d).toEqual([...d].sort((a, b) => a - b));
    expect(d.at(-1)).toBe(120_000);
  });
  test('errors back off exponentially (with jitter), capped', () => {
    const e = [1, 2, 3, 10].map((n) => nextDelayMs({ unchanged: 0, errors: n }, t, () => 1));
    expect(e.slice(0, 3)).toEqual([20_000, 40_000, 80_000]);
    expect(e[3]).toBe(480_000);
    expect(nextDelayMs({ unchanged: 0, errors: 2 }, t, () => 0)).toBe(20_000);
  });
  test('the pacer lets a burst through, then the rate', () => {
    let now = 0;
    const p = new Pacer(2, 3, () => now);
    expect([p.tryTake(), p.tryTake(), p.tryTake(), p.tryTake()]).toEqual([true, true, true, false]);
    expect(p.waitMs()).toBe(500);
    now += 500;
    expect(p.tryTake()).toBe(true);
    expect(p.tryTake()).toBe(false);
  });
});

describe('reading a failed create/submit', () => {
  const offline = (code: string) => new CourierError('offline', 'x', { cause: Object.assign(new Error('y'), { code }) });
  test('a refused connection was never sent; a reset may have been', () => {
    expect(verdictOf(offline('ECONNREFUSED'))).toBe('not_sent');
    expect(verdictOf(offline('ENOTFOUND'))).toBe('not_sent');
    expect(verdictOf(offline('ECONNRESET'))).toBe('unclear');
    expect(verdictOf(offline('UND_ERR_HEADERS_TIMEOUT'))).toBe('unclear');
  });
  test('5xx is unclear, 429 did not act, 4xx is a refusal', () => {
    expect(verdictOf(new CourierError('server_error', 'x'))).toBe('unclear');
    expect(verdictOf(new CourierError('rate_limited', 'x'))).toBe('not_sent');
    expect(verdictOf(new CourierError('invalid_input', 'x'))).toBe('refused');
    expect(verdictOf(new CourierError('cancelled', 'x'))).toBe('cancelled');
    expect(verdictOf(new Error('weird'))).toBe('unclear');
  });
});

describe('output filters (rescale.jar sync -f)', () => {
  const files = [
    { name: 'process_output.log', relativePath: 'process_output.log' },
    { name: 'mnist_result.json', relativePath: 'mnist_result.json' },
    { name: 'train.log', relativePath: 'logs/train.log' },
    { name: '.hidden.log', relativePath: '.hidden.log' },
  ];
  test('globs match file names; a glob with / matches the relative path', () => {
    expect(matchOutputs(files, ['*.log']).map((f) => f.name)).toEqual(['process_output.log', 'train.log', '.hidden.log']);
    expect(matchOutputs(files, ['logs/*']).map((f) => f.name)).toEqual(['train.log']);
    expect(matchOutputs(files, ['*.json', 'process_*']).map((f) => f.name)).toEqual(['process_output.log', 'mnist_result.json']);
    expect(matchOutputs(files, [])).toEqual([]);
  });
});

describe('notification wording', () => {
  const job = (outcome: 'completed' | 'failed' | 'stopped', history: JobStatusItem[]) => ({
    jobId: 'tGaYS',
    name: 'Hello Chainer! [cr-abcd2345]',
    outcome,
    history,
  });
  test('completed, with outputs on disk', () => {
    const m = finishedMessage(job('completed', h(['Completed', 'Completed successfully'], ['Executing'])), {
      state: 'done',
      files: 2,
      dir: '/d/rescale_job_tGaYS',
    });
    expect(m).toEqual({
      title: 'Job finished: Hello Chainer!',
      body: 'Job tGaYS completed in 60 s. 2 output files saved to /d/rescale_job_tGaYS.',
      level: 'info',
    });
  });
  test('failed and stopped say so, with the reason', () => {
    expect(finishedMessage(job('failed', h(['Completed', 'Exceeded max number of restarts'])))).toMatchObject({
      title: 'Job failed: Hello Chainer!',
      level: 'error',
      body: expect.stringMatching(/Exceeded max number of restarts/),
    });
    expect(finishedMessage(job('stopped', h(['Completed', 'User Terminated'], ['Stopping'])), { state: 'failed', files: 0, error: 'disk full' })).toMatchObject(
      { title: 'Job stopped: Hello Chainer!', level: 'warn', body: expect.stringMatching(/Outputs could not be downloaded: disk full/) },
    );
  });
  test('the submission marker is not shown to people', () => expect(displayName('Run 3 [cr-k3f9x2ab]')).toBe('Run 3'));
});
