import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../../sandbox/index';
import { apiClient, issueCreds, listResults, pollUntil, sessionClient, uploadAndRegister, type Obj } from './helpers';

const dirs: string[] = [];
const tmpDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'sbx-life-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('persistence across restarts', () => {
  it('keeps users, files, objects, credentials and the job clock in dataDir', async () => {
    const dataDir = tmpDir();
    const first = await startSandbox({ dataDir, jobSeconds: 1.5, token: 'fixed-token-123' });
    const creds = await issueCreds(first);
    const { record, objectKey } = await uploadAndRegister(first, 'keep.txt', Buffer.from('persist me'), { creds });
    const api1 = apiClient(first);
    const job = await api1.post('/api/v2/jobs/', {
      name: 'survivor',
      jobanalyses: [
        { command: 'go', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald' }, inputFiles: [{ id: record['id'] }] },
      ],
    });
    const jobId = String(job.json['id']);
    await api1.post(`/api/v2/jobs/${jobId}/submit/`);
    const before = listResults(await api1.get(`/api/v2/jobs/${jobId}/statuses/`));
    expect(before.length).toBeGreaterThanOrEqual(1);
    const port = new URL(first.apiUrl).port;
    await first.stop();

    const second = await startSandbox({ dataDir, port: Number(port) });
    try {
      expect(second.token).toBe('fixed-token-123');
      expect(second.userId).toBe(first.userId);
      const api2 = apiClient(second);
      expect((await api2.get(`/api/v3/files/${String(record['id'])}/`)).json['name']).toBe('keep.txt');
      expect((await api2.get(`/api/v2/files/${String(record['id'])}/contents/`)).text).toBe('persist me');
      const s3 = sessionClient(second, creds); // keys issued before the restart still work
      const obj = await s3.send(new GetObjectCommand({ Bucket: second.bucket, Key: objectKey }));
      expect(obj.Metadata?.['iv']).toBeTruthy();
      s3.destroy();
      const done = await pollUntil(async () => {
        const r = listResults(await api2.get(`/api/v2/jobs/${jobId}/statuses/`));
        return r[0]?.['status'] === 'Completed' ? r : undefined;
      }, 10_000);
      // The entries seen before the restart keep their ids and dates.
      const oldest = done.at(-1)!;
      expect([oldest['id'], oldest['statusDate']]).toEqual([before.at(-1)!['id'], before.at(-1)!['statusDate']]);
      const files = listResults(await api2.get(`/api/v2/jobs/${jobId}/files/`));
      const log = files.find((f) => f['name'] === 'process_output.log') as Obj;
      expect((await api2.get(`/api/v2/files/${String(log['id'])}/contents/`)).text).toContain('keep.txt');
      await expect(startSandbox({ dataDir })).rejects.toThrow(/in use/);
    } finally {
      await second.stop();
    }
  });
});

describe('temporary data dirs', () => {
  it('deletes a temp dir it made itself on stop, unless asked to keep it', async () => {
    const a = await startSandbox();
    expect(existsSync(path.join(a.dataDir, 'state.json'))).toBe(true);
    await a.stop();
    expect(existsSync(a.dataDir)).toBe(false);
    const b = await startSandbox({ keepDataDir: true });
    await b.stop();
    dirs.push(b.dataDir);
    expect(existsSync(path.join(b.dataDir, 'state.json'))).toBe(true);
  });
});

describe('runSandboxCli', () => {
  it('prints exactly one JSON line and exits cleanly on SIGTERM', async () => {
    const dataDir = tmpDir();
    const root = path.resolve(import.meta.dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--port', '0', '--data', dataDir, '--job-seconds', '2'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await pollUntil(async () => (out.includes('\n') ? out.split('\n')[0] : undefined), 30_000, 50);
    const info = JSON.parse(line!) as { apiUrl: string; s3Endpoint: string; token: string; dataDir: string };
    expect(info.dataDir).toBe(dataDir);
    expect(info.s3Endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await fetch(`${info.apiUrl}/api/v3/users/me/`, { headers: { authorization: `Token ${info.token}` } });
    expect(me.status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(err).toContain('sandbox stopped (SIGTERM)');
  });

  it('rejects unknown flags with a usage message', async () => {
    const root = path.resolve(import.meta.dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--bogus'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('unknown argument: --bogus');
  });
});
