// A folder goes up with `courier upload DIR` and comes back with `courier download --folder ID`:
// the same tree (nested, spaces, unicode, an empty file), its empty folders made on the platform,
// the id printed by the upload, and the download's refusals said before anything is sent.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { runCourier, type CliResult } from '../../support/cli-run';
import { SandboxStorage } from '../../support/sandbox-storage';

let sandbox: RunningSandbox;
let work: string;
let source: string;
let folderId = '';

function courier(args: string[]): Promise<CliResult> {
  return runCourier(sandbox, work, args);
}

/** Every file below `dir`: relative path → bytes. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** A Rescale folder's sub-folders (name → id), from the platform. */
async function subFolders(id: string): Promise<Map<string, string>> {
  const storage = new SandboxStorage({ apiUrl: sandbox.apiUrl, token: sandbox.token, s3Endpoint: sandbox.s3Endpoint });
  return new Map((await storage.listFolder(id)).folders.map((f) => [f.name, f.id]));
}

beforeAll(async () => {
  sandbox = await startSandbox({ token: 'folder-roundtrip-token-12', faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-folder-roundtrip-'));
  source = join(work, 'case data');
  mkdirSync(join(source, 'mesh ü', 'deep'), { recursive: true });
  mkdirSync(join(source, 'empty later'));
  writeFileSync(join(source, 'run.sh'), '#!/bin/sh\necho hi\n');
  writeFileSync(join(source, 'mesh ü', 'part 1.dat'), Buffer.alloc(70_000, 7));
  writeFileSync(join(source, 'mesh ü', 'deep', 'データ.bin'), 'deep file\n');
  writeFileSync(join(source, 'mesh ü', 'zero.bin'), '');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('a folder up and down again', () => {
  test('upload DIR names the Rescale folder it made, with its empty folders too', async () => {
    const r = await courier(['upload', 'case data']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const m = /case data\/ is Rescale folder ([A-Za-z0-9]+); `courier download --folder \1 -o 'case data'` downloads it again/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    folderId = m![1]!;
    expect([...(await subFolders(folderId)).keys()].sort()).toEqual(['empty later', 'mesh ü']);
  });

  test('ls lists My Library, and a folder by its id, with the ids to download them by', async () => {
    const lib = await courier(['ls']);
    expect(lib.code, lib.stdout + lib.stderr).toBe(0);
    expect(lib.stdout).toContain(`${folderId}\tcase data/`);
    expect(lib.stdout).toMatch(/My Library \([A-Za-z0-9]+\): 1 folder\(s\), 0 file\(s\)/);
    const one = await courier(['ls', folderId]);
    expect(one.code).toBe(0);
    const runSize = statSync(join(source, 'run.sh')).size;
    expect(one.stdout).toMatch(new RegExp(`\\tempty later/\\n[A-Za-z0-9]+\\tmesh ü/\\n[A-Za-z0-9]+\\trun\\.sh\\t${runSize} B\\n`));
    const json = await courier(['--json', 'ls', folderId]);
    const v = JSON.parse(json.stdout.trim().split('\n').at(-1)!) as { folder: string; folders: { name: string }[]; files: { name: string; size: number }[] };
    expect(v.folder).toBe(folderId);
    expect(v.folders.map((f) => f.name)).toEqual(['empty later', 'mesh ü']);
    expect(v.files).toEqual([expect.objectContaining({ name: 'run.sh', size: runSize })]);
    const missing = await courier(['ls', 'NoSuch1']);
    expect(missing.code).toBe(33);
    expect(missing.stdout).toMatch(/ERROR - .*not found.*Check the id/);
  });

  test('download --folder ID -o DIR brings back the same tree, byte for byte', async () => {
    const r = await courier(['download', '--folder', folderId, '-o', 'back']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('Downloaded 4 file(s)');
    const want = tree(source);
    const got = tree(join(work, 'back'));
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [k, v] of want) expect(got.get(k)?.equals(v), k).toBe(true);
    expect(readdirSync(join(work, 'back', 'empty later'))).toEqual([]); // empty folders come back too
    // Each file's path is a result line, so a script can read them.
    for (const k of want.keys()) expect(r.stdout).toContain(join(work, 'back', k));
  });

  test('again: --if-exists skip leaves every file alone; the default keeps both', async () => {
    const before = statSync(join(work, 'back', 'run.sh')).mtimeMs;
    const skip = await courier(['download', '--folder', folderId, '-o', 'back', '--if-exists', 'skip']);
    expect(skip.code, skip.stdout + skip.stderr).toBe(0);
    expect(skip.stdout).toContain('4 skipped (already there)');
    expect(statSync(join(work, 'back', 'run.sh')).mtimeMs).toBe(before);
    const both = await courier(['download', '--folder', folderId, '-o', 'back']);
    expect(both.code).toBe(0);
    expect(readFileSync(join(work, 'back', 'mesh ü', 'deep', 'データ (1).bin'), 'utf8')).toBe('deep file\n');
  });

  test('without -o the tree goes to ./rescale_folder_<ID>/, as sync puts a job in ./rescale_job_<ID>/', async () => {
    const r = await courier(['--json', 'download', '--folder', folderId]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const dir = join(work, `rescale_folder_${folderId}`);
    expect(tree(dir).get(join('mesh ü', 'part 1.dat'))?.length).toBe(70_000);
    const json = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { folder: { id: string; path: string }; files: { path: string }[] };
    expect(json.folder).toEqual({ id: folderId, path: dir });
    expect(json.files).toHaveLength(4);
  });

  test('a folder that cannot be made fails the upload (exit 33, naming it), even with every file up', async () => {
    mkdirSync(join(work, 'refused', 'no room'), { recursive: true });
    writeFileSync(join(work, 'refused', 'top.txt'), 'top\n');
    // The first folder made ("refused", for top.txt) goes through; the next ("no room", empty) is refused.
    sandbox.addFault({ method: 'POST', path: '/api/v3/folders/*/', latencyMs: 1, times: 1 });
    sandbox.addFault({ method: 'POST', path: '/api/v3/folders/*/', status: 400, body: { name: ['Injected: no folders here.'] }, times: 5 });
    const r = await courier(['upload', 'refused']).finally(() => sandbox.clearFaults());
    expect(r.code, r.stdout + r.stderr).toBe(33);
    expect(r.stdout).toMatch(/ERROR - refused: Could not create the folder "no room"/);
  });

  test('an empty folder says so; a folder that is not there, or a mix of what to download, is refused with what to do', async () => {
    const empty = (await subFolders(folderId)).get('empty later');
    expect(empty).toBeTruthy();
    const none = await courier(['download', '--folder', empty!, '-o', 'nothing']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain(`Rescale folder ${empty} holds no files (in it or below it): nothing to download.`);
    expect(existsSync(join(work, 'nothing'))).toBe(false);

    const missing = await courier(['download', '--folder', 'NoSuch1', '-o', 'missing']);
    expect(missing.code).toBe(33);
    expect(missing.stdout).toMatch(/ERROR - .*not found.*Check the id/);

    const mixed = await courier(['download', '--folder', folderId, '--job', 'abc12']);
    expect(mixed.code).toBe(33);
    expect(mixed.stdout).toContain('Download file ids, --folder FOLDER or --job JOB: one of the three at a time.');
    const badId = await courier(['download', '--folder', '../x']);
    expect(badId.code).toBe(33);
    expect(badId.stdout + badId.stderr).toContain('`courier upload DIR` prints the id of each folder it uploads');
    const filter = await courier(['download', '--folder', folderId, '--filter', '*.sh']);
    expect(filter.code).toBe(33);
    expect(filter.stdout).toContain('--filter picks among the outputs of --job JOB');
  });
});
