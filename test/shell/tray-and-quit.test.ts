// The tray and quitting, through the shell's real wiring, with real work in flight: an input
// upload throttled to the minimum bandwidth (a running transfer) for a job submission that
// cannot go out before it is uploaded (an unsent submission). Quitting anyway must leave the
// journal and the outbox so that the next start finishes both, the job submitted exactly once.
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { contract, listRequests, requestChannel } from '../../shared/contract';
import { TRAY_REQUESTS } from '../../main/app/tray';
import { startSandbox, type RunningSandbox } from '../../sandbox';
import { standin, type MenuStandin } from '../electron-standin';
import { platformJobs, until } from '../support/jobs-env';
import { startTestShell, type ShellEnv } from '../support/shell-env';

const MIN_BANDWIDTH = 64 * 1024;
let sb: RunningSandbox;
let env: ShellEnv;
let next: ShellEnv | null = null;
const ports = () => ({ launchSandbox: async () => ({ apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint, token: sb.token }) });

beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 2 });
  env = await startTestShell({ ports: ports() });
  await env.ipc('accounts', 'addSandbox', {});
  await env.ipc('settings', 'update', { downloads: { folder: join(env.dir, 'downloads') } });
});
afterAll(async () => {
  await (next ?? env)?.close();
  await sb?.stop();
});

const menu = (): MenuStandin => standin.tray.menu!;
const hasItem = (label: string | RegExp) => () =>
  menu()
    .labels()
    .some((l) => (typeof label === 'string' ? l === label : label.test(l)));
/** The next question the shell asks (a dialog.showMessageBox). */
const nextQuestion = () => once(standin, 'messageBox').then(([box]) => box as (typeof standin.messageBoxes)[number]);

describe('the tray', () => {
  test.skipIf(process.platform === 'darwin')('its icon follows the light or dark theme', () => {
    expect(standin.tray.imagePath).toMatch(/tray-light\.png$/);
    standin.setDark(true);
    expect(standin.tray.imagePath).toMatch(/tray-dark\.png$/);
    standin.setDark(false);
    expect(standin.tray.imagePath).toMatch(/tray-light\.png$/);
  });

  test('its actions are requests of the contract', () => {
    const channels = new Set(listRequests(contract.requests).map((r) => r.channel));
    for (const r of Object.values(TRAY_REQUESTS)) expect(channels, `${r.domain}.${r.method}`).toContain(requestChannel(r.domain, r.method));
  });

  test('its menu follows the account, transfers and queued submissions; pause/resume go through the router', async () => {
    const account = (await env.ipc('accounts', 'list', {})).accounts.find((a) => a.active)!;
    expect(menu().labels()).toEqual(expect.arrayContaining([`Account: ${account.label}`, 'No active transfers', 'Jobs: 0 running, 0 queued']));

    await env.ipc('settings', 'update', { transfers: { bandwidthBytesPerSecond: MIN_BANDWIDTH } });
    const input = join(env.dir, 'mesh.bin');
    await writeFile(input, Buffer.alloc(MIN_BANDWIDTH * 60, 7)); // a minute at the minimum rate
    await env.ipc('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: input }], name: 'slow input' });
    await until('the tray to show the upload and the queued submission', () => hasItem(/^Transfers: 1 active/)() && hasItem('Jobs: 0 running, 1 queued')());

    const dispatch = vi.spyOn(env.courier.router, 'dispatch');
    menu().click('Pause all transfers');
    expect(dispatch).toHaveBeenCalledWith(requestChannel('transfers', 'pause'), {}, { transport: 'electron' });
    expect(await dispatch.mock.results[0]!.value).toMatchObject({ ok: true });
    await until('the tray to show the pause', hasItem('No active transfers'));
    menu().click('Resume all transfers');
    expect(dispatch).toHaveBeenLastCalledWith(requestChannel('transfers', 'resume'), {}, { transport: 'electron' });
    await until('the tray to show the upload again', hasItem(/^Transfers: 1 active/));
    dispatch.mockRestore();
  });
});

describe('quitting with work in flight', () => {
  test('asks; "keep running in the tray" hides the window and the tray stays live', async () => {
    const asked = nextQuestion();
    menu().click('Quit Courier');
    const box = await asked;
    expect(box.options.message).toBe('1 transfer(s) are still running and 1 job submission(s) are not sent yet.');
    expect(box.options.buttons).toEqual(['Keep running in the tray', 'Quit anyway', 'Cancel']);
    box.respond(0);
    await until('the window to hide', () => !standin.windows[0]!.visible);
    expect(standin.quitted).toBe(false);
    // Still working, and the tray still follows core.
    menu().click('Pause all transfers');
    await until('the tray to show the pause', hasItem('No active transfers'));
    menu().click('Resume all transfers');
    await until('the tray to show the upload again', hasItem(/^Transfers: 1 active/));
  });

  test('closing the window keeps running in the tray; with that turned off it quits, which asks', async () => {
    menu().click('Open Courier');
    standin.closeWindow(standin.windows[0]!);
    expect(standin.windows).toHaveLength(1); // hidden, not closed
    expect(standin.windows[0]!.visible).toBe(false);

    await env.ipc('settings', 'update', { app: { keepRunningInTray: false } });
    const asked = nextQuestion();
    standin.closeWindow(standin.windows[0]!);
    const box = await asked;
    box.respond(2); // Cancel
    await until('the question to be answered', () => standin.messageBoxes.length === 2);
    expect(standin.quitted).toBe(false);
    await env.ipc('settings', 'update', { app: { keepRunningInTray: true } });
  });

  test('"quit anyway" quits after closing core; the next start finishes the upload and submits the job once', async () => {
    const before = await env.ipc('jobs', 'list', { limit: 50 });
    const submission = before.outbox.find((e) => e.jobName.startsWith('slow input'))!;
    expect(submission.state).toBe('uploading');
    const upload = env
      .sent('transfersProgress')
      .flatMap((b) => b.items)
      .find((t) => t.name === 'mesh.bin')!.id;
    const asked = nextQuestion();
    menu().click('Quit Courier');
    (await asked).respond(1);
    await env.quitted();
    expect(standin.exitCode).toBeNull(); // a normal quit, not an exit

    // Between the runs the user lifts the bandwidth limit (so this test need not wait a minute).
    const settingsFile = join(env.dataDir, 'settings.json');
    const saved = JSON.parse(await readFile(settingsFile, 'utf8')) as { transfers: Record<string, unknown> };
    saved.transfers.bandwidthBytesPerSecond = null;
    await writeFile(settingsFile, JSON.stringify(saved));

    next = await startTestShell({ dir: env.dir, ports: ports() });
    expect(menu().labels()).toContain('Jobs: 0 running, 1 queued'); // left by the last run
    const sent = await until(
      'the submission to go out',
      () => next!.sent('outboxChanged').find((e) => e.id === submission.id && e.state === 'submitted' && e.jobId),
      30_000,
    );
    expect(
      next
        .sent('transfersProgress')
        .flatMap((b) => b.items)
        .find((t) => t.id === upload && t.state === 'done'),
    ).toBeTruthy();
    const jobs = (await platformJobs(sb)).filter((j) => j.name.startsWith('slow input'));
    expect(jobs.map((j) => j.id)).toEqual([sent.jobId]);
  });
});
