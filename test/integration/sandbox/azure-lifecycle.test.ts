import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { localSandboxLauncher } from '../../../main/core/platforms/sandbox';
import { startSandbox } from '../../../sandbox/index';
import { parseSandboxArgs, storageFromEnv } from '../../../sandbox/options';
import { azureUploadAndRegister, refused } from './azure-helpers';
import { pollUntil } from './helpers';

// Azure-mode sandboxes coming and going: listeners, data dirs, the CLI, the app's launcher.
describe('lifecycle', () => {
  it('Azurite and its proxy start and stop with the sandbox, leaving no listener', async () => {
    const other = await startSandbox({ storage: 'azure' });
    const direct = other.azureAdmin!.directEndpoint;
    const proxied = other.azureBlobEndpoint!;
    expect(await refused(direct)).toBe(false);
    expect(await refused(proxied)).toBe(false);
    await other.stop();
    expect(await refused(direct)).toBe(true);
    expect(await refused(proxied)).toBe(true);
  });

  it('a start that fails (API port taken) leaves no Azurite and no lock behind', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as AddressInfo).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'sbx-azure-busy-'));
    try {
      await expect(startSandbox({ storage: 'azure', dataDir, port })).rejects.toThrow(/EADDRINUSE/);
      // The failed start gave its lock back: the same dir starts again.
      const ok = await startSandbox({ storage: 'azure', dataDir });
      await ok.stop();
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a reused data dir keeps its blobs, and refuses to start on the other storage', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sbx-azure-restart-'));
    try {
      const first = await startSandbox({ storage: 'azure', dataDir });
      const plain = randomBytes(40_000);
      const { record } = await azureUploadAndRegister(first, 'kept.bin', plain);
      await first.stop();
      const again = await startSandbox({ storage: 'azure', dataDir });
      try {
        const res = await fetch(`${again.apiUrl}/api/v2/files/${String(record['id'])}/contents/`, { headers: { authorization: `Token ${again.token}` } });
        expect(Buffer.from(await res.arrayBuffer()).equals(plain)).toBe(true);
      } finally {
        await again.stop();
      }
      await expect(startSandbox({ dataDir })).rejects.toThrow(`sandbox data dir ${dataDir} holds an account on AzureStorage: start it with --storage azure`);
      // The refusal released the data dir's lock.
      const third = await startSandbox({ storage: 'azure', dataDir });
      await third.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('courier sandbox --storage azure prints the blob endpoint and exits cleanly on SIGTERM', async () => {
    const root = resolve(import.meta.dirname, '../../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'sandbox/main.ts', '--storage', 'azure'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const line = await pollUntil(async () => (out.includes('\n') ? out.split('\n')[0] : undefined), 60_000, 50);
    const info = JSON.parse(line!) as { storageType: string; azureBlobEndpoint: string };
    expect(info.storageType).toBe('AzureStorage');
    expect(await refused(info.azureBlobEndpoint)).toBe(false);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(err).toContain('sandbox stopped (SIGTERM)');
    expect(await refused(info.azureBlobEndpoint)).toBe(true);
  });

  it("the app's sandbox platform follows COURIER_SANDBOX_STORAGE and passes the blob endpoint on", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sbx-azure-app-'));
    const saved = process.env['COURIER_SANDBOX_STORAGE'];
    process.env['COURIER_SANDBOX_STORAGE'] = 'azure';
    const launcher = localSandboxLauncher(dataDir);
    try {
      const local = await launcher.launch();
      expect(local.azureBlobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      const me = await fetch(`${local.apiUrl}/api/v3/users/me/`, { headers: { authorization: `Token ${local.token}` } });
      expect(((await me.json()) as { defaultStorage: { storageType: string } }).defaultStorage.storageType).toBe('AzureStorage');
    } finally {
      if (saved === undefined) delete process.env['COURIER_SANDBOX_STORAGE'];
      else process.env['COURIER_SANDBOX_STORAGE'] = saved;
      await launcher.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('S3 mode has no Azure side; COURIER_SANDBOX_STORAGE and --storage choose Azure', async () => {
    const s3 = await startSandbox();
    try {
      expect(s3.storageType).toBe('S3Storage');
      expect(s3.azureBlobEndpoint).toBeNull();
      expect(s3.azureAdmin).toBeNull();
    } finally {
      await s3.stop();
    }
    expect(storageFromEnv({ COURIER_SANDBOX_STORAGE: 'azure' })).toBe('azure');
    expect(storageFromEnv({})).toBe('s3');
    expect(() => storageFromEnv({ COURIER_SANDBOX_STORAGE: 'gcs' })).toThrow("COURIER_SANDBOX_STORAGE must be 's3' or 'azure' (got 'gcs')");
    expect(parseSandboxArgs(['--storage', 'azure', '--azure-port=0'])).toEqual({ storage: 'azure', azurePort: 0 });
    expect(() => parseSandboxArgs(['--storage', 'gcs'])).toThrow("--storage must be 's3' or 'azure'");
  });
});
