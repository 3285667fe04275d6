// OS notifications for finished jobs, end to end: a job launched through the shell's IPC runs on
// the sandbox, the real poller sees it end, and the shell's notifier shows one Electron
// Notification with the right words; clicking it opens that job. The setting is respected.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { standin, type NotificationStandin } from '../electron-standin';
import { until } from '../support/jobs-env';
import { startTestShell, type ShellEnv } from '../support/shell-env';

let sb: RunningSandbox;
let env: ShellEnv;
let script: string;

beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 2 });
  // The desktop's "Sandbox" platform, with this test's quick sandbox behind it.
  env = await startTestShell({ ports: { launchSandbox: async () => ({ apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint, token: sb.token }) } });
  await env.ipc('accounts', 'addSandbox', {});
  await env.ipc('settings', 'update', { downloads: { folder: join(env.dir, 'downloads') } });
  script = join(env.dir, 'run.sh');
  await writeFile(script, '#!/bin/sh\npython train.py\n');
});
afterAll(async () => {
  await env?.close();
  await sb?.stop();
});

/** Launches through IPC and waits for the platform job id. */
async function launch(name: string): Promise<string> {
  const entry = await env.ipc('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name });
  const sent = await until(
    `${name} to be submitted`,
    () => env.sent('outboxChanged').find((e) => e.id === entry.id && e.state === 'submitted' && e.jobId),
    60_000,
  );
  return sent.jobId!;
}

const notificationsOf = (jobId: string): NotificationStandin[] => standin.notifications.filter((n) => String(n.options.body).includes(`Job ${jobId} `));

describe('job notifications', () => {
  test('completed, failed and force-stopped jobs each produce one notification with the right words', async () => {
    const [done, failed, stopped] = await Promise.all([launch('render'), launch('train [fail]'), launch('sweep [force-stop]')]);
    const one = (jobId: string) => until(`the notification of ${jobId}`, () => notificationsOf(jobId)[0], 60_000);
    const [nDone, nFailed, nStopped] = await Promise.all([one(done), one(failed), one(stopped)]);
    expect(nDone.options).toMatchObject({ title: 'Job finished: render' });
    expect(nDone.options.body).toMatch(new RegExp(`^Job ${done} completed`));
    expect(nFailed.options).toMatchObject({ title: 'Job failed: train [fail]' });
    expect(nFailed.options.body).toMatch(new RegExp(`^Job ${failed} failed: Command exited with code 1\\.`));
    expect(nStopped.options).toMatchObject({ title: 'Job stopped: sweep [force-stop]' });
    expect(nStopped.options.body).toMatch(new RegExp(`^Job ${stopped} was force-stopped`));
    expect(nDone.options.icon).toMatch(/notification\.png$/);
    // Once each, even after more polls (the claim in tracked_jobs).
    await env.ipc('jobs', 'list', { limit: 50 });
    for (const id of [done, failed, stopped]) expect(notificationsOf(id)).toHaveLength(1);

    // The tray lists them under "Recently finished".
    expect(standin.tray.menu!.labels()).toEqual(expect.arrayContaining(['Recently finished', 'Job finished: render', 'Job failed: train [fail]']));

    // Clicking the notification opens that job in the (hidden) window.
    const win = standin.windows[0]!;
    win.hide();
    nFailed.click();
    expect(win.loaded.at(-1)).toBe(`app://courier/index.html#/jobs/${failed}`);
    expect(win).toMatchObject({ visible: true, focused: true });
    // So does its tray item.
    standin.tray.menu!.click('Job finished: render');
    expect(win.loaded.at(-1)).toBe(`app://courier/index.html#/jobs/${done}`);
  });

  test('no notification when the user turned them off; failures only when asked', async () => {
    await env.ipc('settings', 'update', { notifications: { jobFinished: false, jobFailed: true } });
    const [done, failed] = await Promise.all([launch('quiet render'), launch('loud train [fail]')]);
    await until(`the failure of ${failed} to be announced`, () => notificationsOf(failed)[0], 60_000);
    // The completed job is logged as finished (the announcement ran) but shown nowhere.
    await until(
      `${done} to be announced in the activity log`,
      () => env.courier.activity.list({ limit: 200 }).find((a) => a.message.startsWith('Job finished: quiet render')),
      60_000,
    );
    expect(notificationsOf(done)).toHaveLength(0);
  });
});
