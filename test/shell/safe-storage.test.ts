// API keys in the shell: safeStorage through the shell's own wiring (the secret store it hands
// core, the setting that accepts Linux's basic_text), with the stand-in's real encryption.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { safeStorage, standin } from '../electron-standin';
import { startTestShell, type ShellEnv } from '../support/shell-env';

let env: ShellEnv | null = null;
afterEach(async () => {
  await env?.close();
  env = null;
});

const SECRET = 'proxy-pass-7f3a9c1e-do-not-leak';

async function everyFile(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('safeStorage', () => {
  test.skipIf(process.platform !== 'linux')('basic_text is refused until the user accepts it in Settings', async () => {
    env = await startTestShell();
    standin.storage.backend = 'basic_text';
    await expect(env.ipc('settings', 'setProxyPassword', { password: SECRET })).rejects.toThrow(
      /unavailable: No keyring was found \(Linux safeStorage fell back to basic_text/,
    );
    expect((await env.ipc('accounts', 'list', {})).keyStore).toMatchObject({ backend: 'electron-safe-storage (basic_text)', secure: false, kind: 'keychain' });

    await env.ipc('settings', 'update', { app: { acceptPlaintextKeyStorage: true } });
    await env.ipc('settings', 'setProxyPassword', { password: SECRET });
    expect(await env.courier.ports.secrets.get('proxy')).toBe(SECRET);

    // Taking the acceptance back refuses again (the shell follows the setting live).
    await env.ipc('settings', 'update', { app: { acceptPlaintextKeyStorage: false } });
    await expect(env.ipc('settings', 'setProxyPassword', { password: 'another' })).rejects.toThrow(/basic_text/);
  });

  test('no keychain at all: a clear refusal', async () => {
    env = await startTestShell();
    standin.storage.available = false;
    await expect(env.ipc('settings', 'setProxyPassword', { password: SECRET })).rejects.toThrow(/unavailable: The system keychain is not available/);
  });

  test('keys are written encrypted: never in clear anywhere in the data folder', async () => {
    env = await startTestShell();
    await env.ipc('settings', 'setProxyPassword', { password: SECRET });
    const files = await everyFile(env.dataDir);
    expect(files.map((f) => f.slice(env!.dataDir.length + 1))).toContain('keys.safe-storage.json');
    // A file gone since the listing was an atomic write's temporary file (another key being saved),
    // renamed meanwhile: its content is read under its final name, in the second scan.
    const readIfThere = (f: string) => readFile(f, 'latin1').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    for (const f of [...files, ...(await everyFile(env.dataDir))]) expect(await readIfThere(f), f).not.toContain(SECRET);
    const stored = JSON.parse(await readFile(join(env.dataDir, 'keys.safe-storage.json'), 'utf8')) as Record<string, string>;
    expect(safeStorage.decryptString(Buffer.from(stored.proxy!, 'base64'))).toBe(SECRET);
    expect(await env.courier.ports.secrets.get('proxy')).toBe(SECRET);
  });

  test('no keychain: the person chooses an encrypted file; after a restart it is locked until the passphrase', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'courier-shell-keyfile-'));
    try {
      env = await startTestShell({ dir, safeStorage: { available: false } });
      const before = (await env.ipc('accounts', 'list', {})).keyStore;
      expect(before).toMatchObject({ kind: 'memory', locked: false, choices: ['encrypted-file', 'memory'] });
      await env.ipc('accounts', 'chooseKeyStore', { kind: 'encrypted-file', passphrase: 'correct horse battery' });
      await env.ipc('settings', 'setProxyPassword', { password: SECRET });
      for (const f of await everyFile(env.dataDir)) expect(await readFile(f, 'latin1'), f).not.toContain(SECRET);
      await env.close();

      env = await startTestShell({ dir, safeStorage: { available: false } });
      expect((await env.ipc('accounts', 'list', {})).keyStore).toMatchObject({ kind: 'encrypted-file', locked: true });
      await expect(env.courier.ports.secrets.get('proxy')).rejects.toThrow(/enter its passphrase/);
      await expect(env.ipc('accounts', 'unlockKeyStore', { passphrase: 'wrong one' })).rejects.toThrow(/passphrase/i);
      await env.ipc('accounts', 'unlockKeyStore', { passphrase: 'correct horse battery' });
      expect(await env.courier.ports.secrets.get('proxy')).toBe(SECRET);
      // The transfer journal's key lives there too: unlocking opens the engine (unfinished work resumes).
      expect(env.courier.transfersOpened()).toBe(true);
    } finally {
      await env?.close();
      env = null;
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('Linux basic_text with no keys kept yet: not taken for a keychain, the choice is offered', async () => {
    env = await startTestShell({ safeStorage: { backend: 'basic_text' } });
    expect((await env.ipc('accounts', 'list', {})).keyStore).toMatchObject({ kind: 'memory', choices: ['encrypted-file', 'memory'] });
  });
});
