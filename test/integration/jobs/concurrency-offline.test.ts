// Exactly once with more than one sender or none at all: two Courier processes on one data
// folder, and launches while the platform is down (counted at the sandbox).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutboxEntry } from '../../../shared/jobs';
import { CREATE, jobsEnv, outboxFinal, platformJobs, served, SUBMIT, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
let script: string;
beforeAll(async () => {
  env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
  script = await env.file('run_chainer_from_API.sh', '#!/bin/sh\necho hi\n');
});
afterAll(async () => env?.close());
beforeEach(() => {
  env.sb.clearFaults();
  env.sb.resetStats();
});

const final = (id: string) => outboxFinal(env, id);

describe('two Courier processes on one data folder', () => {
  test('each submission is sent by exactly one of them', async () => {
    const other = await env.openCourier();
    const transfers = await env.courier.transfers();
    const [up] = await transfers.whenSettled((await transfers.enqueueUpload([script])).map((v) => v.id));
    const fileId = up!.remoteFileId!;
    env.sb.resetStats();
    const launch = async (c: typeof other) => {
      const r = await c.router.dispatch('courier:jobs.launch', { templateId: 'chainer', inputs: [{ fileId, name: 'run.sh' }] }, { transport: 'memory' });
      if (!r.ok) throw new Error(r.error.message);
      return r.value as OutboxEntry;
    };
    const launches = await Promise.all([launch(env.courier), launch(other), launch(env.courier), launch(other)]);
    for (const l of launches) await until(`submission ${l.id}`, () => env.courier.jobs.store.get(l.id)?.state === 'submitted', 60_000);
    expect(served(env.sb, CREATE)).toBe(4);
    expect(served(env.sb, SUBMIT)).toBe(4);
    expect(new Set(launches.map((l) => env.courier.jobs.store.get(l.id)!.jobId)).size).toBe(4);
  });
});

describe('offline', () => {
  test('launched while the platform is down: queued, editable, then sent once each, in order', async () => {
    await env.stopSandbox();
    const a = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name: 'first' });
    const b = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name: 'second' });
    const c = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name: 'third' });
    await until('the outbox to notice the connection is down', () => env.eventsOf('outboxChanged').find((e) => e.id === a.id && e.waiting === 'connection'));
    const list = await env.call('jobs', 'list', {});
    expect(list.online).toBe(false);
    expect(list.outbox.map((e) => [e.jobName, e.state, e.waiting])).toEqual([
      ['first', 'queued', 'connection'],
      ['second', 'queued', 'connection'],
      ['third', 'queued', 'connection'],
    ]);
    // Still the user's to change: nothing has reached the platform.
    expect((await env.call('jobs', 'editQueued', { id: b.id, name: 'second (edited)' })).jobName).toBe('second (edited)');
    expect((await env.call('jobs', 'cancelQueued', { id: c.id })).state).toBe('cancelled');

    await env.restartSandbox();
    const sentA = await final(a.id);
    const sentB = await final(b.id);
    expect(sentB.state).toBe('submitted');
    expect(served(env.sb, CREATE)).toBe(2);
    expect(served(env.sb, SUBMIT)).toBe(2);
    const names = (await platformJobs(env.sb)).map((j) => j.name.replace(/ \[cr-[a-z0-9]+\]$/, ''));
    expect(names.filter((n) => ['first', 'second (edited)', 'third'].includes(n))).toEqual(['second (edited)', 'first']); // newest first: A went out before B
    expect(env.courier.jobs.store.get(c.id)?.state).toBe('cancelled');
    expect(sentA.jobId).not.toBe(sentB.jobId);
  });

  test('a platform that answers but refuses is not "offline": the submission fails with the real reason', async () => {
    env.sb.addFault({ method: 'GET', path: '/api/v3/users/me/folders/', status: 401, times: 1000 }); // the reachability probe
    const s = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name: 'refused probe' });
    const sent = await final(s.id);
    expect(sent.state).toBe('failed');
    expect(sent.error?.code).toBe('unauthorized');
    expect(env.eventsOf('outboxChanged').filter((e) => e.id === s.id && e.waiting === 'connection')).toEqual([]);
    expect(served(env.sb, CREATE)).toBe(0);
  });

  test('a launch of files already on Rescale waits queued while offline: never "creating", so always editable', async () => {
    const transfers = await env.courier.transfers();
    const [up] = await transfers.whenSettled((await transfers.enqueueUpload([script])).map((v) => v.id));
    const input = { fileId: up!.remoteFileId!, name: 'run.sh' };
    await env.stopSandbox();
    const s = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [input], name: 'remote input' });
    const changes = () => env.eventsOf('outboxChanged').filter((e) => e.id === s.id);
    // The first attempt finds out (nothing had said the platform was down); from then on the
    // outbox only probes: three more rounds (FAST_TUNING: every 0.2-1 s) with the row queued.
    await until('the outbox to notice the connection is down', () => changes().some((e) => e.waiting === 'connection'));
    const known = changes().length;
    await until('three more attempts while offline', () => changes().length >= known + 3);
    expect(
      changes()
        .slice(known)
        .map((e) => [e.state, e.waiting]),
    ).toEqual(
      changes()
        .slice(known)
        .map(() => ['queued', 'connection']),
    );
    expect((await env.call('jobs', 'editQueued', { id: s.id, name: 'remote input (edited)' })).jobName).toBe('remote input (edited)');

    await env.restartSandbox();
    const sent = await final(s.id);
    expect(sent.state).toBe('submitted');
    expect(served(env.sb, CREATE)).toBe(1);
    const names = (await platformJobs(env.sb)).map((j) => j.name.replace(/ \[cr-[a-z0-9]+\]$/, ''));
    expect(names.filter((n) => n.startsWith('remote input'))).toEqual(['remote input (edited)']);
  });
});
