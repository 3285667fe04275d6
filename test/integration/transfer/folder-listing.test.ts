// A folder download starts on the first page of the folder's listing (1,000 entries) while the
// next pages are on their way; a listing cut short (the app closed, the platform failing on a
// later page) is taken up again and adds only the files the batch lacks: every file once.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../../sandbox/control/faults';
import { OTHER_ACCOUNT } from '../../../main/core/transfer/engine';
import type { TransferService, TransferView } from '../../../main/core/transfer/service';
import { transferEnv, type TransferEnv } from '../../support/transfer-env';

const FILES = 1050; // two pages: 1,000 and 50
let env: TransferEnv;
let folderId = '';
let page2 = '';

beforeAll(async () => {
  env = await transferEnv();
  const src = join(env.dir, 'many');
  await mkdir(src);
  for (let i = 0; i < FILES; i++) await writeFile(join(src, `f${String(i).padStart(4, '0')}.txt`), `file ${i}\n`);
  const up = await env.service({ journalPath: join(env.dir, 'up.db') });
  const [batch] = await up.enqueueUpload([src]);
  const [done] = await up.whenSettled([batch!.id]);
  expect(done?.state).toBe('done');
  folderId = done!.remoteFileId!;
  page2 = `/api/v3/folders/${folderId}/contents/`;
}, 120_000);
afterEach(() => env.sb.clearFaults());
afterAll(async () => env?.close());

async function fileNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

const expected = Array.from({ length: FILES }, (_, i) => `f${String(i).padStart(4, '0')}.txt`);

function batchOf(svc: TransferService): TransferView {
  const b = svc.list().items.find((i) => i.isBatch && i.remoteFileId === folderId);
  if (!b) throw new Error('no batch for the folder');
  return b;
}

/** Resolves once the sandbox has been asked for the listing's second page (the rule matched). */
async function asked(rule: FaultRule): Promise<void> {
  while (rule.hits === 0) await new Promise((r) => setTimeout(r, 20));
}

describe('a folder download and its listing', () => {
  it('files download while the next page of the listing is still on its way', async () => {
    env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 });
    const svc = await env.service({ journalPath: join(env.dir, 'early.db') });
    const dir = join(env.dir, 'early');
    let listed = false;
    let doneWhileListing = 0;
    svc.onProgress((b) => {
      if (!listed) doneWhileListing = Math.max(doneWhileListing, b.items.filter((i) => !i.isBatch && i.state === 'done').length);
    });
    const firstDone = new Promise<void>((ok) => svc.onProgress((b) => b.items.some((i) => !i.isBatch && i.state === 'done') && ok()));
    const enqueued = svc.enqueueDownloadFolder(folderId, dir).then((v) => {
      listed = true;
      return v;
    });
    await firstDone;
    expect(listed).toBe(false); // a file of page 1 is done; page 2 is still held by the sandbox
    expect(batchOf(svc).state).toBe('running');
    const views = await enqueued;
    expect(views[0]?.isBatch).toBe(true);
    expect(views.length).toBe(FILES + 1);
    const [b] = await svc.whenSettled([views[0]!.id]);
    expect({ state: b?.state, error: b?.error, size: b?.size }).toEqual({
      state: 'done',
      error: undefined,
      size: views.slice(1).reduce((a, v) => a + v.size, 0),
    });
    expect(doneWhileListing).toBeGreaterThan(0);
    expect(await fileNames(dir)).toEqual(expected);
  }, 60_000);

  it("the app's call is answered with the batch once it exists, not after the whole listing", async () => {
    const rule = env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 }) as FaultRule;
    const svc = await env.service({ journalPath: join(env.dir, 'begin.db') });
    const dir = join(env.dir, 'begin');
    const batch = await svc.beginDownloadFolder(folderId, dir);
    expect({ isBatch: batch?.isBatch, state: batch?.state }).toEqual({ isBatch: true, state: 'running' });
    expect(svc.list().items.filter((i) => i.parentId === batch!.id).length).toBe(1000); // page 2's files are not in yet
    const [b] = await svc.whenSettled([batch!.id]);
    expect(rule.hits).toBe(1); // page 2 was held 5 s, and came
    expect({ state: b?.state, error: b?.error }).toEqual({ state: 'done', error: undefined });
    expect(await fileNames(dir)).toEqual(expected);
  }, 60_000);

  it('a listing that fails on a later page fails the batch saying so; retry lists the rest, every file once', async () => {
    const rule = env.sb.addFault({ path: page2, query: '*page=2*', status: 404, times: 1 }) as FaultRule;
    const svc = await env.service({ journalPath: join(env.dir, 'fail.db') });
    const dir = join(env.dir, 'fail');
    await expect(svc.enqueueDownloadFolder(folderId, dir)).rejects.toThrow(/404|not found/i);
    expect(rule.hits).toBe(1);
    const [failed] = await svc.whenSettled([batchOf(svc).id]);
    expect(failed?.state).toBe('failed');
    expect(failed?.error?.message).toMatch(/list a folder/);
    const children = () => svc.list().items.filter((i) => i.parentId === failed!.id);
    expect(children().length).toBe(1000);
    expect(children().every((c) => c.state === 'done')).toBe(true);
    expect((await fileNames(dir)).length).toBe(1000);

    svc.retry(failed!.id);
    expect(batchOf(svc).state).toBe('running');
    const [b] = await svc.whenSettled([failed!.id]);
    expect({ state: b?.state, error: b?.error }).toEqual({ state: 'done', error: undefined });
    expect(children().length).toBe(FILES);
    expect(await fileNames(dir)).toEqual(expected); // no "name (1).txt": nothing fetched twice
  }, 60_000);

  it('a listing cut short by closing is taken up by the next start on the same journal', async () => {
    const rule = env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 }) as FaultRule;
    const journalPath = join(env.dir, 'restart.db');
    const dir = join(env.dir, 'restart');
    const first = await env.service({ journalPath });
    const enqueued = first.enqueueDownloadFolder(folderId, dir);
    enqueued.catch(() => undefined);
    await asked(rule);
    const before = first.list().items.filter((i) => !i.isBatch).length;
    expect(before).toBe(1000);
    await first.close();
    await expect(enqueued).rejects.toThrow();

    const second = await env.service({ journalPath });
    const batch = batchOf(second);
    expect(batch.state).toBe('running'); // listing again, not done with the 1,000 it had
    const [b] = await second.whenSettled([batch.id]);
    expect({ state: b?.state, error: b?.error }).toEqual({ state: 'done', error: undefined });
    expect(second.list().items.filter((i) => i.parentId === batch.id).length).toBe(FILES);
    expect(await fileNames(dir)).toEqual(expected);
  }, 60_000);

  it('cancelling the batch stops its listing: it reads cancelled, the next start does not list it, a retry lists the rest', async () => {
    const rule = env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 }) as FaultRule;
    const journalPath = join(env.dir, 'cancel.db');
    const dir = join(env.dir, 'cancel');
    const first = await env.service({ journalPath });
    const enqueued = first.enqueueDownloadFolder(folderId, dir);
    await asked(rule);
    const id = batchOf(first).id;
    // Files of page 1 land before the cancel: the batch must still not read as done.
    await new Promise<void>((ok) => {
      const off = first.onProgress((b) => {
        if (b.items.some((i) => !i.isBatch && i.state === 'done')) {
          off();
          ok();
        }
      });
    });
    first.cancel(id);
    const views = await enqueued; // the user's cancel is not an error
    expect(views.length).toBe(1001);
    const [b] = await first.whenSettled([id]);
    expect(b?.state).toBe('cancelled');
    const kids = first.list().items.filter((i) => i.parentId === id);
    expect(kids.filter((i) => i.state !== 'cancelled' && i.state !== 'done')).toEqual([]);
    expect(kids.some((i) => i.state === 'done')).toBe(true);
    await first.close();

    // A listing taken up at start is under way when the service is returned (it reads running).
    const second = await env.service({ journalPath });
    expect(batchOf(second).state).toBe('cancelled');
    expect(second.list().items.filter((i) => i.parentId === id).length).toBe(1000);

    second.retry(id);
    expect(batchOf(second).state).toBe('running');
    const [again] = await second.whenSettled([id]);
    expect({ state: again?.state, error: again?.error }).toEqual({ state: 'done', error: undefined });
    expect(second.list().items.filter((i) => i.parentId === id).length).toBe(FILES);
    expect(await fileNames(dir)).toEqual(expected); // every file once: none fetched twice
    await second.close();
  }, 60_000);
  it('"cancel all" while the first page is on its way stops that listing too: nothing is added', async () => {
    const rule = env.sb.addFault({ path: page2, latencyMs: 5000, times: 1 }) as FaultRule; // the first page
    const svc = await env.service({ journalPath: join(env.dir, 'cancel-all.db') });
    const enqueued = svc.enqueueDownloadFolder(folderId, join(env.dir, 'cancel-all'));
    await asked(rule);
    svc.cancel();
    expect(await enqueued).toEqual([]); // the user's cancel is not an error
    expect(svc.list().items).toEqual([]);
  }, 60_000);

  it("a listing runs under its batch's account only: a switch holds it, a retry under the other account lists nothing, switching back lists the rest", async () => {
    const held = env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 }) as FaultRule;
    const journalPath = join(env.dir, 'account.db');
    const first = await env.service({ journalPath, account: 'alice' });
    const dir = join(env.dir, 'account');
    const enqueued = first.enqueueDownloadFolder(folderId, dir);
    await asked(held);
    const id = batchOf(first).id;
    const paused = new Promise<void>((ok) => first.onProgress((b) => b.items.some((i) => i.id === id && i.state === 'paused') && ok()));
    first.setAccount('bob');
    await paused; // the listing stopped with the switch: held, not failed nor cancelled
    expect((await enqueued)[0]?.id).toBe(id);
    expect({ state: batchOf(first).state, error: batchOf(first).error, notice: batchOf(first).notice?.code }).toEqual({
      state: 'paused',
      error: undefined,
      notice: OTHER_ACCOUNT,
    });
    expect(first.list().items.filter((i) => i.parentId === id).length).toBe(1000);
    await first.close();

    // A start with Bob active holds it too; before, a retry listed the folder at once, through Bob's API key.
    const listings = env.sb.addFault({ path: page2, latencyMs: 1 }) as FaultRule; // counts every page asked for
    const svc = await env.service({ journalPath, account: 'bob' });
    expect(batchOf(svc).state).toBe('paused');
    svc.retry(id);
    expect(batchOf(svc).state).toBe('paused');
    svc.cancel(id);
    expect((await svc.whenSettled([id]))[0]?.state).toBe('cancelled');
    svc.retry(id); // still Bob: held again, to be listed under Alice
    expect(batchOf(svc).state).toBe('paused');
    expect(listings.hits).toBe(0);

    svc.setAccount('alice');
    expect(batchOf(svc).state).toBe('running');
    const [b] = await svc.whenSettled([id]);
    expect({ state: b?.state, error: b?.error, notice: b?.notice }).toEqual({ state: 'done', error: undefined, notice: undefined });
    expect(listings.hits).toBeGreaterThanOrEqual(2); // both pages, under Alice
    expect(svc.list().items.filter((i) => i.parentId === id).length).toBe(FILES);
    expect(await fileNames(dir)).toEqual(expected); // every file once
    await svc.close();
  }, 60_000);

  // Last: it adds a file to the shared folder (removed again at its end).
  it('a file added to the folder while it is listed shifts the pages; the folder is listed again and no file is left out', async () => {
    const rule = env.sb.addFault({ path: page2, query: '*page=2*', latencyMs: 5000, times: 1 }) as FaultRule;
    const svc = await env.service({ journalPath: join(env.dir, 'shift.db') });
    const dir = join(env.dir, 'shift');
    const enqueued = svc.enqueueDownloadFolder(folderId, dir);
    await asked(rule); // page 1 is read; page 2 is held, and answered from the folder as it is then
    // "a-late.txt" sorts first: it lands on page 1, already read, and pushes f0999 onto page 2.
    const late = join(env.dir, 'a-late.txt');
    await writeFile(late, 'written by a job while the folder was listed\n');
    const up = await env.service({ journalPath: join(env.dir, 'late-up.db') });
    const [added] = await up.whenSettled([(await up.enqueueUpload([late], { folderId }))[0]!.id]);
    expect(added?.state).toBe('done');
    try {
      const views = await enqueued;
      expect(views.length).toBe(FILES + 2); // the batch, the 1,050 files and the late one; f0999 once
      const [b] = await svc.whenSettled([views[0]!.id]);
      expect({ state: b?.state, error: b?.error }).toEqual({ state: 'done', error: undefined });
      expect(await fileNames(dir)).toEqual(['a-late.txt', ...expected]);
    } finally {
      const gone = await fetch(`${env.sb.apiUrl}/api/v3/files/${added!.remoteFileId!}/`, {
        method: 'DELETE',
        headers: { Authorization: `Token ${env.sb.token}` },
      });
      expect(gone.status).toBe(204);
    }
  }, 60_000);
});
