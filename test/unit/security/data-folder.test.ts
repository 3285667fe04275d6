// The data folder and the secret files in it: an existing folder left open to others is closed
// (or refused with what to do), and a symlink planted where a secret file is written is never
// followed.
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCourier } from '../../../main/core/courier';
import { prepareDataDir } from '../../../main/core/data-dir';
import { PlaintextFileSecretStore } from '../../../main/core/secrets/file-store';
import { MemorySecretStore } from '../../../main/core/secrets/store';
import { Journal } from '../../../main/core/transfer/journal';
import { createAesGcmSealer } from '../../../main/core/transfer/sealer';
import { CourierError } from '../../../shared/errors';

const root = mkdtempSync(join(tmpdir(), 'courier-datadir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mode = (p: string): number => statSync(p).mode & 0o777;
const isPosix = process.platform !== 'win32';

describe.runIf(isPosix)('data folder', () => {
  it('creates a missing folder 0700', () => {
    const dir = join(root, 'fresh', 'courier');
    prepareDataDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('closes an existing 0755/0777 folder, and the files and folders in it, when the core starts', async () => {
    const dir = join(root, 'loose');
    mkdirSync(join(dir, 'cli-journals'), { recursive: true });
    writeFileSync(join(dir, 'keys.plaintext.json'), '{}');
    writeFileSync(join(dir, 'activity.jsonl'), '');
    chmodSync(dir, 0o777);
    chmodSync(join(dir, 'cli-journals'), 0o755);
    chmodSync(join(dir, 'keys.plaintext.json'), 0o644);
    chmodSync(join(dir, 'activity.jsonl'), 0o666);
    const outside = join(root, 'not-ours.txt');
    writeFileSync(outside, 'x');
    chmodSync(outside, 0o644);
    symlinkSync(outside, join(dir, 'link'));
    writeFileSync(join(dir, 'notes.txt'), 'the user put this here'); // not Courier's: left alone
    chmodSync(join(dir, 'notes.txt'), 0o644);

    const c = await createCourier({ shell: 'cli', version: 'test', dataDir: dir, secrets: new MemorySecretStore() });
    await c.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'cli-journals'))).toBe(0o700);
    expect(mode(join(dir, 'keys.plaintext.json'))).toBe(0o600);
    expect(mode(join(dir, 'activity.jsonl'))).toBe(0o600);
    expect(mode(outside)).toBe(0o644); // a symlink's target is not ours to change
    expect(mode(join(dir, 'notes.txt'))).toBe(0o644);
  });

  it.runIf(process.getuid?.() === 0)('refuses a folder that belongs to another user, with what to do', () => {
    const dir = join(root, 'theirs');
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    chownSync(dir, 65534, 65534);
    let err: unknown;
    try {
      prepareDataDir(dir);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CourierError);
    expect((err as Error).message).toMatch(/belongs to another user \(uid 65534.*--data or COURIER_DATA_DIR/);
    expect(mode(dir)).toBe(0o777); // left as it was: not ours
  });
});

describe.runIf(isPosix)('secret files never follow a planted symlink', () => {
  it("refuses, without touching it, an open folder that holds someone's other files and none of Courier's", () => {
    const dir = join(root, 'team');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'report.pdf'), 'x');
    chmodSync(dir, 0o2775);
    expect(() => prepareDataDir(dir)).toThrow(/holds other files, so Courier will not change its permissions/);
    expect(statSync(dir).mode & 0o7777).toBe(0o2775);
  });

  it('keeps the setgid bit of a folder it closes', () => {
    const dir = join(root, 'setgid');
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o2775);
    prepareDataDir(dir);
    expect(statSync(dir).mode & 0o7777).toBe(0o2700);
  });

  it('the plaintext key file (opted in): a link at the old temporary name, or at the file itself, leaves its target untouched', async () => {
    const dir = join(root, 'keys');
    mkdirSync(dir, { mode: 0o700 });
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    const file = join(dir, 'keys.plaintext.json');
    symlinkSync(victim, `${file}.tmp`);
    const store = new PlaintextFileSecretStore(file);
    await store.set('account:a', 'SECRET-KEY-123');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(mode(file)).toBe(0o600);
    expect(await store.get('account:a')).toBe('SECRET-KEY-123');

    // A link planted at the file itself (to a file that reads as an empty key file) is
    // replaced by the new file, not written through.
    const victimJson = join(root, 'victim.json');
    writeFileSync(victimJson, '{}');
    rmSync(file);
    symlinkSync(victimJson, file);
    await store.set('account:b', 'SECRET-KEY-456');
    expect(readFileSync(victimJson, 'utf8')).toBe('{}');
    expect(lstatSync(file).isSymbolicLink()).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['keys.plaintext.json', 'keys.plaintext.json.tmp']); // no temporary left behind
  });

  it('the transfer journal refuses to open through a symlink', () => {
    const dir = join(root, 'journal');
    mkdirSync(dir, { mode: 0o700 });
    const victim = join(root, 'victim-db.txt');
    writeFileSync(victim, 'precious');
    chmodSync(victim, 0o644);
    for (const name of ['transfers.db', 'transfers.db-wal']) {
      const path = join(dir, 'transfers.db');
      rmSync(join(dir, name), { force: true });
      symlinkSync(victim, join(dir, name));
      expect(() => Journal.open(path, createAesGcmSealer(Buffer.alloc(32)))).toThrow(/symbolic link/);
      rmSync(join(dir, name));
      expect(readFileSync(victim, 'utf8')).toBe('precious');
      expect(mode(victim)).toBe(0o644);
    }
    expect(existsSync(join(dir, 'transfers.db'))).toBe(false);
  });
});
