// A transfer command starts its worker threads before it signs in (so they boot while the main
// thread loads), and still ends as soon as its work is done: nothing it started keeps the
// process alive, whether the transfer ran or the command failed before it.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

let sandbox: RunningSandbox;
const work = mkdtempSync(join(tmpdir(), 'courier-exit-'));

interface Run {
  code: number | null;
  out: string;
  /** Milliseconds from the last byte the command printed to its exit. */
  quietBeforeExitMs: number;
}

function courier(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, '--data', join(work, 'data'), ...args], {
      cwd: work,
      env: { ...process.env, COURIER_TRACE: '1' },
    });
    let out = '';
    let last = performance.now();
    const note = (d: Buffer) => {
      out += d.toString();
      last = performance.now();
    };
    child.stdout.on('data', note);
    child.stderr.on('data', note);
    child.once('error', fail);
    child.once('close', (code) => done({ code, out, quietBeforeExitMs: performance.now() - last }));
  });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const phases = (out: string) => [...out.matchAll(/^\[trace\] \+\d+ ms (.+?) \(cpu/gm)].map((m) => m[1]);

/** COURIER_TRACE's phases: the worker threads were started before the command signed in. */
function expectWorkersFirst(out: string): void {
  const p = phases(out);
  expect(p.indexOf('worker threads starting'), out).toBeGreaterThanOrEqual(0);
  expect(p.indexOf('worker threads starting'), out).toBeLessThan(p.indexOf('authenticated'));
}

beforeAll(async () => {
  sandbox = await startSandbox({ token: 'exit-token-1234567890', dataDir: join(work, 'sandbox') });
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('transfer commands start their workers first and exit promptly', () => {
  test('upload then download-file (ranged, verified): the same bytes, workers started before sign-in, exit right after the last line', async () => {
    // Above one 16 MiB range, so the download runs as parallel ranges with verification.
    const body = randomBytes(20 * 1024 * 1024 + 123);
    writeFileSync(join(work, 'big.bin'), body);
    const up = await courier(['upload', join(work, 'big.bin')]);
    expect(up.code, up.out).toBe(0);
    const id = /^(\S+)\tbig\.bin$/m.exec(up.out)?.[1];
    expect(id, up.out).toBeTruthy();
    expectWorkersFirst(up.out);

    mkdirSync(join(work, 'out'));
    const down = await courier(['download-file', '--file-id', id!, '-o', join(work, 'out')]);
    expect(down.code, down.out).toBe(0);
    expectWorkersFirst(down.out);
    expect(readdirSync(join(work, 'out'))).toEqual(['big.bin']);
    expect(sha(readFileSync(join(work, 'out', 'big.bin')))).toBe(sha(body));
    // Generous: an open handle (a thread, a socket, a timer) would hold the process for much longer.
    for (const r of [up, down]) expect(r.quietBeforeExitMs, r.out).toBeLessThan(10_000);
  }, 180_000);

  test('a command that fails before its transfer stops the workers it started and exits with the error', async () => {
    const r = await courier(['upload', '-f', join(work, 'missing.bin')]);
    expect(r.code).toBe(33);
    expect(r.out).toMatch(/ERROR - .*missing\.bin does not exist/);
    expect(phases(r.out)).toContain('worker threads starting');
    expect(r.quietBeforeExitMs, r.out).toBeLessThan(10_000);
  }, 60_000);
});
