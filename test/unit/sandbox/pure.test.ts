import { createCipheriv, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RateLimiter, scopeFor } from '../../../sandbox/control/ratelimit';
import { endedAt, endingOf, jobPlan, plannedHistory, runWindow, STOP_REASON, visibleHistory } from '../../../sandbox/jobs/clock';
import { drfBool } from '../../../sandbox/jobs/validate';
import { parseRange } from '../../../sandbox/s3/range';
import type { JobRec } from '../../../sandbox/store/state';
import { cipherWindow, decryptWindow, plainLength } from '../../../sandbox/util/cbc';

describe('parseRange (S3 semantics)', () => {
  it.each([
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=90-', 100, { start: 90, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-500', 100, { start: 0, end: 99 }],
    ['bytes=50-5000', 100, { start: 50, end: 99 }],
    ['bytes=100-', 100, 'invalid'],
    ['bytes=-0', 100, 'invalid'],
    ['bytes=0-', 0, 'invalid'],
    ['bytes=9-1', 100, null],
    ['bytes=0-1,5-6', 100, null],
    ['items=0-1', 100, null],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('job clock', () => {
  const job = (over: Partial<JobRec>): JobRec => ({
    id: 'J',
    seq: 1,
    api: 'v2',
    ownerId: 'u',
    dateInserted: 0,
    name: 'n',
    isLowPriority: false,
    analyses: [],
    extra: {},
    ...over,
  });

  it('walks Pending → Completed over runSeconds, from stored timestamps only', () => {
    const j = job({ submittedAt: 1_000_000, runSeconds: 10 });
    expect(plannedHistory(j).map((e) => [e.status, e.at - 1_000_000])).toEqual([
      ['Pending', 0],
      ['Queued', 1000],
      ['Started', 2500],
      ['Validated', 4000],
      ['Executing', 5000],
      ['Completed', 10000],
    ]);
    expect(visibleHistory(j, 1_004_500).map((e) => e.status)).toEqual(['Pending', 'Queued', 'Started', 'Validated']);
    expect(plannedHistory(job({}))).toEqual([]);
  });

  it('a stop cuts the plan: Stopping, then Completed with the terminate reason', () => {
    const j = job({ submittedAt: 0, runSeconds: 10, stopAt: 3000 });
    expect(plannedHistory(j).map((e) => [e.status, e.reason])).toEqual([
      ['Pending', null],
      ['Queued', null],
      ['Started', null],
      ['Stopping', 'User Terminated'],
      ['Completed', 'User Terminated'],
    ]);
  });

  it('words in the name choose the plan: [waiting] passes both waiting statuses, [fail] ends Failed', () => {
    const j = job({ name: 'train [waiting] [FAIL]', submittedAt: 0, runSeconds: 10 });
    expect(plannedHistory(j).map((e) => [e.status, e.at, e.reason])).toEqual([
      ['Pending', 0, null],
      ['Waiting for Queue', 500, null],
      ['Queued', 1000, null],
      ['Waiting for Cluster', 1750, null],
      ['Started', 2500, null],
      ['Validated', 4000, null],
      ['Executing', 5000, null],
      ['Failed', 10000, 'Command exited with code 1'],
    ]);
    expect(endingOf(j)).toEqual({ status: 'Failed', stopped: false, exitCode: 1 });
    expect(endedAt(j)).toBe(10000);
  });

  it('[until-stopped]: the run goes on past its time until a stop ends it', () => {
    const j = job({ name: 'x [until-stopped]', submittedAt: 0, runSeconds: 10 });
    expect(plannedHistory(j).at(-1)?.status).toBe('Executing');
    expect(endedAt(j)).toBeUndefined();
    expect(runWindow(j, 1_000_000)?.completed).toBeNull();
    const stopped = { ...j, stopAt: 60_000 };
    expect(plannedHistory(stopped).slice(-2)).toEqual([
      { status: 'Stopping', at: 60_000, reason: STOP_REASON },
      { status: 'Completed', at: 61_500, reason: STOP_REASON },
    ]);
  });

  it('[force-stop]: Stopping, then Force Stop; a user stop of such a job is forced too', () => {
    const j = job({ name: 'x [force-stop]', submittedAt: 0, runSeconds: 10 });
    expect(
      plannedHistory(j)
        .slice(-3)
        .map((e) => [e.status, e.at]),
    ).toEqual([
      ['Executing', 5000],
      ['Stopping', 7500],
      ['Force Stop', 10000],
    ]);
    expect(plannedHistory({ ...j, stopAt: 8000 })).toEqual(plannedHistory(j)); // already stopping: a second stop changes nothing
    const early = plannedHistory({ ...j, stopAt: 3000 });
    expect(early.map((e) => e.status)).toEqual(['Pending', 'Queued', 'Started', 'Stopping', 'Force Stop']);
    expect(early.at(-1)).toEqual({ status: 'Force Stop', at: 4500, reason: null });
  });

  it('a plan set through the control overrides the name; the default plan is unchanged', () => {
    expect(jobPlan(job({ name: 'plain' }))).toEqual({ ending: 'complete', waiting: false });
    expect(jobPlan(job({ name: 'x [fail]', plan: { ending: 'complete', waiting: true } }))).toEqual({ ending: 'complete', waiting: true });
  });
});

describe('rate limiter', () => {
  it('is a token bucket per scope and caller, and says when to come back', () => {
    const rl = new RateLimiter(true);
    rl.configure(true, { user: { ratePerSec: 2, burst: 2 } });
    expect([rl.take('user', 't', 0), rl.take('user', 't', 0), rl.take('user', 't', 0)]).toEqual([0, 0, 1]);
    expect(rl.take('user', 'other', 0)).toBe(0);
    expect(rl.take('user', 't', 600)).toBe(0);
    expect(new RateLimiter(false).take('user', 't')).toBe(0);
    expect(scopeFor('POST', '/api/v2/jobs/abc/submit/')).toBe('job-submission');
    expect(scopeFor('GET', '/api/v2/jobs/abc/files/')).toBe('jobs-usage');
    expect(scopeFor('GET', '/api/v3/files/')).toBe('user');
  });
});

describe('DRF booleans', () => {
  it('accepts the strings the seed sends', () => {
    expect([drfBool('true'), drfBool('True'), drfBool(1), drfBool('false'), drfBool(false), drfBool('maybe')]).toEqual([
      true,
      true,
      true,
      false,
      false,
      undefined,
    ]);
  });
});

describe('CBC window decryption', () => {
  it('decrypts any byte range using the previous block as IV, and finds the plaintext length', async () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const plain = randomBytes(1000);
    const c = createCipheriv('aes-256-cbc', key, iv);
    const cipher = Buffer.concat([c.update(plain), c.final()]);
    expect(plainLength(cipher.length, cipher.subarray(-32), key, iv)).toBe(1000);
    for (const [a, b] of [
      [0, 0],
      [0, 999],
      [15, 16],
      [16, 16],
      [33, 700],
      [990, 999],
    ] as const) {
      const w = cipherWindow(a, b);
      const out: Buffer[] = [];
      const src = Readable.from([cipher.subarray(w.from, w.to + 1)]);
      for await (const chunk of decryptWindow(src, key, iv, w.useFileIv, w.skip, b - a + 1)) out.push(chunk as Buffer);
      expect(Buffer.concat(out).equals(plain.subarray(a, b + 1))).toBe(true);
    }
    expect(() => plainLength(cipher.length - 1, cipher.subarray(-32), key, iv)).toThrow(/whole number/);
  });
});
