// A second `courier` command reuses what the first learnt about the account (users/me, the
// root folders, storage credentials) from a sealed file in the data folder, so it makes no
// call it does not need; a 401 drops that file.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

let sandbox: RunningSandbox;
const work = mkdtempSync(join(tmpdir(), 'courier-cache-'));
const dataDir = join(work, '.courier');

function courier(args: string[], token = sandbox.token, data = dataDir): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile('node', [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', token, '--data', data, ...args], { cwd: work }, (err, stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** API calls by route since the last reset, without the zero ones. */
function accountCalls(): Record<string, number> {
  const api = sandbox.stats().api;
  return Object.fromEntries(Object.entries(api).filter(([k]) => /users\/me|credentials/.test(k)));
}

beforeAll(async () => {
  sandbox = await startSandbox({ token: 'cache-token-1234567890', dataDir: join(work, 'sandbox') });
  for (const n of ['a', 'b', 'c']) writeFileSync(join(work, `${n}.txt`), `file ${n}\n`);
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('the account cache across runs', () => {
  test('a first upload (nothing cached) asks for the profile, the folders and credentials once each', async () => {
    sandbox.resetStats();
    const r = await courier(['upload', '-f', join(work, 'a.txt')], sandbox.token, join(work, 'other-data'));
    expect(r.code, r.out).toBe(0);
    expect(accountCalls()).toEqual({ 'GET /api/v3/users/me/': 1, 'GET /api/v3/users/me/folders/': 1, 'POST /api/v3/credentials/': 1 });
  });

  test('the second upload makes no users/me, folders or credentials call; its file is sealed', async () => {
    const first = await courier(['upload', '-f', join(work, 'a.txt')]);
    expect(first.code, first.out).toBe(0);
    expect(Object.keys(accountCalls()).length).toBeGreaterThan(0);
    sandbox.resetStats();
    const second = await courier(['upload', '-f', join(work, 'b.txt')]);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain('Authenticated as');
    expect(accountCalls()).toEqual({});
    expect(sandbox.stats().api['POST /api/v3/files/']).toBe(1);
    const [file] = readdirSync(join(dataDir, 'cli-cache'));
    const raw = readFileSync(join(dataDir, 'cli-cache', file!)).toString('latin1');
    expect(raw).not.toContain('sandbox-user');
    expect(raw).not.toContain(sandbox.token);
  });

  test('the same download twice: the second asks for no credentials', async () => {
    const line = (await courier(['upload', '-f', join(work, 'c.txt'), '-e'])).out.split('\n').find((l) => l.startsWith('{'));
    const id = (JSON.parse(line ?? '{}') as { files?: { id: string }[] }).files?.[0]?.id;
    expect(id).toBeTruthy();
    const first = await courier(['download-file', '--file-id', id!, '-o', join(work, 'dl1')]);
    expect(first.code, first.out).toBe(0);
    sandbox.resetStats();
    const second = await courier(['download-file', '--file-id', id!, '-o', join(work, 'dl2')]);
    expect(second.code, second.out).toBe(0);
    expect(accountCalls()).toEqual({});
    expect(readFileSync(join(work, 'dl2', 'c.txt'), 'utf8')).toBe('file c\n');
  });

  test('a 401 drops the cache: the key was revoked, the next run asks again', async () => {
    const cacheDir = join(dataDir, 'cli-cache');
    expect(readdirSync(cacheDir)).toHaveLength(1);
    // The same platform (address, ports, data) with the key replaced: the old key is refused.
    const { apiUrl, s3Endpoint, dataDir: sbDir } = sandbox;
    const oldToken = sandbox.token;
    await sandbox.stop();
    sandbox = await startSandbox({
      dataDir: sbDir,
      token: 'rotated-token-0987654321',
      port: Number(new URL(apiUrl).port),
      s3Port: Number(new URL(s3Endpoint).port),
    });
    const refused = await courier(['status', '-j', 'x'], oldToken);
    expect(refused.out).toMatch(/API key|401|unauthori[sz]ed|sign/i);
    expect(readdirSync(cacheDir)).toHaveLength(0);
  });
});
