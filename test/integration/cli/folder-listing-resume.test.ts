// `courier download --folder` killed with SIGKILL while the platform still owes it the second
// page of the folder's listing (its first 1,000 files already journaled and downloading), then
// run again as a user would: it resumes, lists the rest, and ends with every file exactly once.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../sandbox';
import type { FaultRule } from '../../../sandbox/control/faults';
import { runCourier } from '../../support/cli-run';
import { transferEnv, type TransferEnv } from '../../support/transfer-env';

const FILES = 1050; // two pages of the listing: 1,000 and 50
let env: TransferEnv;
let sb: RunningSandbox;
let work: string;
let folderId = '';

// The folder goes up in process: the CLI keeps to the platform's 2 registrations a second, which
// would make 1,050 files a nine-minute set-up.
beforeAll(async () => {
  env = await transferEnv();
  sb = env.sb;
  work = join(env.dir, 'work');
  mkdirSync(join(work, 'many'), { recursive: true });
  for (let i = 0; i < FILES; i++) writeFileSync(join(work, 'many', `f${String(i).padStart(4, '0')}.txt`), `file ${i}\n`);
  const up = await env.service();
  const [batch] = await up.enqueueUpload([join(work, 'many')]);
  const [done] = await up.whenSettled([batch!.id]);
  expect(done?.state).toBe('done');
  folderId = done!.remoteFileId!;
}, 120_000);
afterAll(async () => env?.close());

describe('courier download --folder after kill -9 during the listing', () => {
  it('the next run takes the listing up again: every file once, none twice', async () => {
    const held = sb.addFault({ path: `/api/v3/folders/${folderId}/contents/`, query: '*page=2*', latencyMs: 60_000, times: 1 }) as FaultRule;
    const args = ['download', '--folder', folderId, '-o', 'got'];
    const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], {
      cwd: work,
      env: { ...process.env, COURIER_DATA_DIR: join(work, '.courier') },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    // Polled: the sandbox holding page 2 is the only sign across the process boundary.
    while (held.hits === 0) {
      if (child.exitCode !== null) throw new Error(`courier exited early (${child.exitCode})`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    sb.clearFaults();
    const got = join(work, 'got');
    expect(existsSync(got) ? readdirSync(got).filter((n) => !n.startsWith('.')).length : 0).toBeLessThan(FILES); // the killed run never had page 2

    const again = await runCourier(sb, work, args);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout + again.stderr).toMatch(/Resuming/);
    const names = readdirSync(got).sort(); // a temporary ".courier-….part" left behind would show here
    expect(names).toEqual(Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}.txt`));
  }, 120_000);

  it('a listing the platform refuses twice in a row is still finished by the third run, beside no copies', async () => {
    const refused = sb.addFault({ path: `/api/v3/folders/${folderId}/contents/`, query: '*page=2*', status: 404, times: 2 }) as FaultRule;
    const args = ['download', '--folder', folderId, '-o', 'refused'];
    const first = await runCourier(sb, work, args);
    expect(first.code, first.stdout + first.stderr).toBe(33);
    const second = await runCourier(sb, work, args); // takes the listing up again, refused again
    expect(second.code, second.stdout + second.stderr).toBe(33);
    expect(second.stdout + second.stderr).toMatch(/Resuming/);
    expect(refused.hits).toBe(2);
    const third = await runCourier(sb, work, args);
    expect(third.code, third.stdout + third.stderr).toBe(0);
    const names = readdirSync(join(work, 'refused')).sort();
    expect(names).toEqual(Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}.txt`));
  }, 120_000);
});
