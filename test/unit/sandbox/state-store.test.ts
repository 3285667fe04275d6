import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StateStore, type FileRec, type SandboxState } from '../../../sandbox/store/state';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function dir(): Promise<string> {
  const d = await mkdtemp(path.join(os.tmpdir(), 'courier-state-'));
  dirs.push(d);
  return d;
}

function init(): SandboxState {
  return {
    version: 1,
    token: 'tok',
    admin: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    user: { id: 'u', email: 'e@x', fullName: 'n', companyCode: 'c', workspaceId: 'w', storageId: 's', myLibrary: 'lib', myJobs: 'jobs' },
    seq: 0,
    files: {},
    folders: {},
    jobs: {},
    credentials: {},
  };
}

function file(store: StateStore, id: string): FileRec {
  return { id, seq: store.nextSeq(), ownerId: 'u', folderId: null, record: { id, name: `${id}.txt`, tags: ['a'] } };
}

/** The state as a fresh process would see it. */
async function reopened(d: string): Promise<SandboxState> {
  return JSON.parse(
    JSON.stringify(
      (
        await StateStore.open(d, () => {
          throw new Error('state should exist');
        })
      ).state,
    ),
  ) as SandboxState;
}

describe('StateStore', () => {
  it('keeps inserts, nested edits, deletes and root fields across a reopen', async () => {
    const d = await dir();
    const store = await StateStore.open(d, init);
    for (const id of ['f1', 'f2', 'f3']) store.state.files[id] = file(store, id);
    await store.commit();
    const f2 = store.state.files['f2']!;
    f2.record['name'] = 'renamed.txt'; // a nested change through a reference read earlier
    (f2.record['tags'] as string[]).push('b');
    delete store.state.files['f3'];
    store.state.token = 'rotated';
    store.state.jobs['j1'] = {
      id: 'j1',
      seq: store.nextSeq(),
      api: 'v2',
      ownerId: 'u',
      dateInserted: 1,
      name: 'job',
      isLowPriority: false,
      analyses: [],
      extra: {},
    };
    await store.commit();
    store.state.jobs['j1']!.submittedAt = 42;
    await store.commit();
    expect(await reopened(d)).toEqual(JSON.parse(JSON.stringify(store.state)));
    const again = await reopened(d);
    expect(Object.keys(again.files).sort()).toEqual(['f1', 'f2']);
    expect(again.files['f2']!.record).toEqual({ id: 'f2', name: 'renamed.txt', tags: ['a', 'b'] });
    expect([again.token, again.seq, again.jobs['j1']!.submittedAt]).toEqual(['rotated', 4, 42]);
  });

  it('appends only what changed: the 500th commit writes about as much as the first', async () => {
    const d = await dir();
    const store = await StateStore.open(d, init);
    const logSize = async (): Promise<number> => (await stat(path.join(d, 'state.log'))).size;
    const grew: number[] = [];
    for (let i = 0; i < 500; i++) {
      const before = await logSize().catch(() => 0);
      store.state.files[`id${i}`] = file(store, `id${i}`);
      await store.commit();
      grew.push((await logSize()) - before);
    }
    expect(grew[499]).toBeLessThan(grew[0]! * 1.2);
    expect(Object.keys((await reopened(d)).files)).toHaveLength(500);
  });

  it('ignores a torn last line (a crash in the middle of an append)', async () => {
    const d = await dir();
    const store = await StateStore.open(d, init);
    store.state.files['ok'] = file(store, 'ok');
    await store.commit();
    await appendFile(path.join(d, 'state.log'), '{"c":"files","id":"torn","v":{"id":"to');
    const s = await reopened(d);
    expect(Object.keys(s.files)).toEqual(['ok']);
  });

  it('folds the log into the snapshot once the log outgrows it', async () => {
    const d = await dir();
    const store = await StateStore.open(d, init);
    const big = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 200; i++) {
      store.state.files[`b${i}`] = { ...file(store, `b${i}`), record: { pad: big } };
      await store.commit();
    }
    const log = await readFile(path.join(d, 'state.log'), 'utf8');
    expect(log.length).toBeLessThan(8 * 1024 * 1024 + 70 * 1024);
    const snapshot = JSON.parse(await readFile(path.join(d, 'state.json'), 'utf8')) as SandboxState;
    expect(Object.keys(snapshot.files).length).toBeGreaterThan(100);
    expect(Object.keys((await reopened(d)).files)).toHaveLength(200);
  });
});
