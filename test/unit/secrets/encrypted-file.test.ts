import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EncryptedFileSecretStore } from '../../../main/core/secrets/encrypted-file';
import { KeyStoreChooser } from '../../../main/core/secrets/chooser';
import { selectNodeSecretStore } from '../../../main/core/secrets/select';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'courier-keyfile-')), 'keys.encrypted.json');
const PASS = 'correct horse battery';

/** Starts a writer; resolves with a `go` function once it has opened the file, and its end. */
function writer(file: string, prefix: string, count: number): Promise<{ go: () => void; done: Promise<void> }> {
  return new Promise((ready, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'test/support/key-file-writer.ts', file, PASS, prefix, String(count)], {
      cwd: process.cwd(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<void>((resolve, fail) =>
      p.on('exit', (code) => (code === 0 ? resolve() : fail(new Error(`writer ${prefix} exited ${code}: ${err}`)))),
    );
    done.catch(reject);
    p.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ready({ go: () => p.stdin.write('go\n'), done });
    });
  });
}

describe('encrypted key file', () => {
  test('round trip: keys written by one opening are read by another with the same passphrase; the file is 0600 and holds no key in clear', async () => {
    const file = fresh();
    const a = await EncryptedFileSecretStore.create(file, PASS);
    await a.set('account:1', 'key-one-abcdefgh');
    await a.set('account:2', 'key-two-abcdefgh');
    await a.delete('account:2');
    const b = await EncryptedFileSecretStore.open(file, PASS);
    expect(await b.get('account:1')).toBe('key-one-abcdefgh');
    expect(await b.get('account:2')).toBeNull();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('key-one');
  });

  test('a wrong passphrase is a clear error and leaves the file as it was', async () => {
    const file = fresh();
    await (await EncryptedFileSecretStore.create(file, PASS)).set('account:1', 'key-one-abcdefgh');
    const before = readFileSync(file);
    await expect(EncryptedFileSecretStore.open(file, 'not the passphrase')).rejects.toMatchObject({
      code: 'unauthorized',
      field: 'passphrase',
      message: expect.stringContaining('does not open the key file'),
    });
    await expect(EncryptedFileSecretStore.create(file, 'another passphrase')).rejects.toMatchObject({ code: 'conflict' });
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  test('a damaged file is reported as damaged, never replaced by an empty store', async () => {
    const file = fresh();
    await (await EncryptedFileSecretStore.create(file, PASS)).set('account:1', 'key-one-abcdefgh');
    const env = JSON.parse(readFileSync(file, 'utf8')) as { cipher: { data: string } };
    const flipped = Buffer.from(env.cipher.data, 'base64');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    writeFileSync(file, JSON.stringify({ ...env, cipher: { ...env.cipher, data: flipped.toString('base64') } }));
    await expect(EncryptedFileSecretStore.open(file, PASS)).rejects.toMatchObject({ code: 'unauthorized' });
    writeFileSync(file, '{"format":"courier-keys","vers');
    await expect(EncryptedFileSecretStore.open(file, PASS)).rejects.toMatchObject({ code: 'local_file', message: expect.stringContaining('is damaged') });
    expect(readFileSync(file, 'utf8')).toBe('{"format":"courier-keys","vers');
  });

  test('a file asking scrypt for a huge cost is damaged, refused before any key derivation', async () => {
    const file = fresh();
    await (await EncryptedFileSecretStore.create(file, PASS)).set('account:1', 'key-one-abcdefgh');
    const env = JSON.parse(readFileSync(file, 'utf8')) as { kdf: Record<string, unknown> };
    for (const kdf of [{ N: 2 ** 30 }, { N: 3 * 2 ** 10 }, { r: 1024 }, { p: 1000 }]) {
      const planted = JSON.stringify({ ...env, kdf: { ...env.kdf, ...kdf } });
      writeFileSync(file, planted);
      await expect(EncryptedFileSecretStore.open(file, PASS)).rejects.toMatchObject({
        code: 'local_file',
        message: expect.stringContaining('key-derivation costs'),
      });
      expect(readFileSync(file, 'utf8')).toBe(planted);
    }
  });

  test('a short passphrase is refused before any file is made', async () => {
    await expect(EncryptedFileSecretStore.create(fresh(), 'short')).rejects.toMatchObject({ code: 'invalid_input', field: 'passphrase' });
  });

  test('two processes writing at once both keep their keys', async () => {
    const file = fresh();
    await EncryptedFileSecretStore.create(file, PASS);
    const writers = await Promise.all([writer(file, 'app-', 60), writer(file, 'cli-', 60)]);
    for (const w of writers) w.go();
    await Promise.all(writers.map((w) => w.done));
    const store = await EncryptedFileSecretStore.open(file, PASS);
    for (const prefix of ['app-', 'cli-']) for (let i = 0; i < 60; i++) expect(await store.get(`${prefix}${i}`)).toBe(`secret-${prefix}${i}`);
  }, 60_000);
});

describe('choosing the key store (no keychain)', () => {
  test('memory keys move into the new encrypted file; a restart finds it locked until the passphrase is given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-chooser-'));
    const first = await KeyStoreChooser.open(dir, { keychain: false });
    expect(first.state()).toMatchObject({ kind: 'memory', locked: false, choices: ['encrypted-file', 'memory'] });
    await first.set('journal-key', 'journal-abcdefgh');
    await first.choose('encrypted-file', PASS);
    await first.set('account:1', 'key-one-abcdefgh');

    const again = await KeyStoreChooser.open(dir, { keychain: false });
    expect(again.state()).toMatchObject({ kind: 'encrypted-file', locked: true });
    await expect(again.get('account:1')).rejects.toMatchObject({ code: 'unavailable', message: expect.stringContaining('enter its passphrase') });
    await expect(again.unlock('wrong passphrase')).rejects.toMatchObject({ code: 'unauthorized' });
    await again.unlock(PASS);
    expect(again.state().locked).toBe(false);
    expect(await again.get('account:1')).toBe('key-one-abcdefgh');
    expect(await again.get('journal-key')).toBe('journal-abcdefgh');
  });

  test('the CLI opens the file with COURIER_PASSPHRASE, and says what to do when no passphrase can be had', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-cli-keys-'));
    await (await EncryptedFileSecretStore.create(join(dir, 'keys.encrypted.json'), PASS)).set('account:1', 'key-one-abcdefgh');
    const { store } = await selectNodeSecretStore(dir, { COURIER_PASSPHRASE: PASS });
    expect(await store.get('account:1')).toBe('key-one-abcdefgh');
    await expect(selectNodeSecretStore(dir, {})).rejects.toThrow(/set COURIER_PASSPHRASE/);
    await expect(selectNodeSecretStore(dir, { COURIER_PASSPHRASE: 'nope nope nope' })).rejects.toMatchObject({ code: 'unauthorized' });
  });
});
