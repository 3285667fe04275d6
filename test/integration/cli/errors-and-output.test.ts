import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

// How the CLI fails and what it prints: one ERROR line and exit 33 (never a stack trace), no
// terminal control characters from the platform, and offline messages that say what happens.
let sandbox: RunningSandbox;
let work: string;
const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - /;
const STACK = /^\s+at .+[(:]\d+/m;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function courier(args: string[], o: { url?: string; data?: string; token?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), '-X', o.url ?? sandbox.apiUrl, '-p', o.token ?? sandbox.token, '--data', o.data ?? join(work, 'data'), ...args],
      { cwd: work, timeout: 90_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function expectOneErrorLine(r: Run, message: RegExp): void {
  expect(r.code, r.stdout + r.stderr).toBe(33);
  const errors = r.stdout.split('\n').filter((l) => l.includes('ERROR'));
  expect(errors, r.stdout).toHaveLength(1);
  expect(errors[0]).toMatch(TS);
  expect(errors[0]).toMatch(message);
  expect(r.stdout + r.stderr).not.toMatch(STACK);
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2 });
  work = mkdtempSync(join(tmpdir(), 'courier-cli-errors-'));
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('every failure is one ERROR line and exit 33', () => {
  test('jobs watch with a malformed id', async () => {
    expectOneErrorLine(await courier(['jobs', 'watch', 'BAD ID!']), /job|not found|BAD ID/i);
  });

  test('jobs watch with a well-formed id that does not exist', async () => {
    expectOneErrorLine(await courier(['jobs', 'watch', 'zzzzz']), /not found/i);
  });

  test('a usage error (unknown option)', async () => {
    expectOneErrorLine(await courier(['jobs', 'watch', 'zzzzz', '--no-such-flag']), /unknown option '--no-such-flag'/);
  });

  test('a bad --timeout', async () => {
    expectOneErrorLine(await courier(['jobs', 'watch', 'zzzzz', '--timeout', 'soon']), /--timeout.*"soon" is not a duration/);
  });
});

describe('control characters from the platform never reach the terminal', () => {
  // ESC (colour, OSC title, clear screen), BEL, C1 CSI, DEL, a bidi override; Japanese and spaces stay.
  const evil = 'ok\x1b[31mred\x1b]0;pwned\x07\x1b[2J\x9b1m\x7f\u202e結果 データ.txt';
  const raw = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]/; // eslint-disable-line no-control-regex

  test('upload, a download failure, jobs submit / show / list print the names cleaned', async () => {
    const file = join(work, evil);
    writeFileSync(file, 'hello\n');
    const up = await courier(['upload', file]);
    expect(up.code, up.stdout).toBe(0);
    const fileId = /^(\w+)\tok/m.exec(up.stdout)?.[1];
    expect(fileId, up.stdout).toBeTruthy();
    // The download is refused (such a name is not written to disk): its failure line is cleaned too.
    const down = await courier(['download', fileId!, '-o', join(work, 'down')]);
    expect(down.stdout).toMatch(/ERROR - okred結果 データ\.txt: Refusing the file name/);
    const sub = await courier(['jobs', 'submit', '--template', 'chainer', '--file-id', fileId!, '--name', `job ${evil}`]);
    expect(sub.code, sub.stdout).toBe(0);
    const jobId = /Job (\w+): submitted/.exec(sub.stdout)?.[1];
    expect(jobId, sub.stdout).toBeTruthy();
    const show = await courier(['jobs', 'show', jobId!]);
    const list = await courier(['jobs', 'list']);
    const json = await courier(['--json', 'jobs', 'show', jobId!]);
    for (const r of [up, down, sub, show, list, json]) {
      expect(r.stdout + r.stderr).not.toMatch(raw);
      expect(r.stdout + r.stderr).not.toContain('\x1b');
    }
    expect(up.stdout).toContain(`${fileId}\tokred結果 データ.txt`);
    expect(show.stdout).toContain('job okred結果 データ.txt');
    expect(show.stdout).toContain(`input  ${fileId}\tokred結果 データ.txt`);
    expect(list.stdout).toContain(`${jobId}\t`);
    // JSON keeps the exact name, escaped.
    expect((JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { name: string }).name).toContain(evil.slice(0, 10));
  });
});

describe('offline: say what will actually happen', () => {
  test('upload: nothing was queued, run the command again', async () => {
    writeFileSync(join(work, 'a.txt'), 'a\n');
    const r = await courier(['upload', 'a.txt'], { url: 'http://127.0.0.1:9' });
    expectOneErrorLine(
      r,
      /Cannot reach 127\.0\.0\.1:9 .*Nothing was queued and nothing retries in the background: run the same command again once the connection is back\./,
    );
    expect(r.stdout).not.toContain('queued work continues');
  });

  test('jobs submit: queued in the outbox of this data folder, sent by `courier jobs send` with the same key; jobs send sends it', async () => {
    const sb = await startSandbox({ jobSeconds: 2, dataDir: join(work, 'sb-offline') });
    const ports = { port: Number(new URL(sb.apiUrl).port), s3Port: Number(new URL(sb.s3Endpoint).port) };
    const data = join(work, 'data-offline');
    writeFileSync(join(work, 'run.sh'), '#!/bin/sh\necho hi\n');
    await sb.stop();
    const r = await courier(['jobs', 'submit', '--template', 'chainer', '--input', 'run.sh'], { url: sb.apiUrl, token: sb.token, data });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      `Not sent yet (Rescale cannot be reached). The job is queued in the outbox of ${data} and will be submitted exactly once by \`courier jobs send\``,
    );
    expect(r.stdout).toContain('the Courier app cannot send it, as it does not have this key');
    expect(r.stdout).toContain('See it with `courier jobs list`.');
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, string>;
    expect(line).toMatchObject({ state: 'queued', waiting: 'connection', dataFolder: data, see: 'courier jobs list' });
    expect(line.sentBy).toContain('courier jobs send');
    // --wait keeps trying, says so, and a --timeout leaves the submission queued.
    const waited = await courier(['jobs', 'submit', '--template', 'chainer', '--input', 'run.sh', '--wait', '--timeout', '15s'], {
      url: sb.apiUrl,
      token: sb.token,
      data,
    });
    expect(waited.code, waited.stdout).toBe(124);
    expect(waited.stdout).toContain('Rescale cannot be reached; this command keeps trying.');
    expect(waited.stdout).toMatch(/Stopped waiting after 15s: the submission \S+ is still queued in the outbox/);

    const again = await startSandbox({ jobSeconds: 2, dataDir: join(work, 'sb-offline'), token: sb.token, ...ports });
    try {
      const listed = await courier(['jobs', 'list'], { url: again.apiUrl, token: again.token, data });
      expect(listed.stdout).toMatch(/\(queued\)\tqueued — waiting for connection\tHello Chainer!/);
      const sent = await courier(['jobs', 'send'], { url: again.apiUrl, token: again.token, data });
      expect(sent.code, sent.stdout).toBe(0);
      expect(sent.stdout.match(/Job \w+: submitted/g), sent.stdout).toHaveLength(2);
    } finally {
      await again.stop();
    }
  });
});
