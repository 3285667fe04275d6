// Folder inputs through the app's own calls: described before launch, sent as one archive with
// decompress:true, reused while the platform still has it, uploaded again once it is deleted.
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { jobsEnv, rest, served, until, type JobsEnv } from '../../support/jobs-env';

const REGISTER = 'POST /api/v3/files/';
let env: JobsEnv;
let data: string;

beforeAll(async () => {
  env = await jobsEnv({ sandbox: { jobSeconds: 1 } });
  data = join(env.dir, 'inputs', 'case A');
  await mkdir(join(data, 'mesh', '空'), { recursive: true });
  await writeFile(join(data, 'run.sh'), '#!/bin/sh\nls -R\n');
  await writeFile(join(data, 'mesh', 'a b.obj'), 'v 0 0 0\n');
  await writeFile(join(data, 'mesh', 'メッシュ.dat'), '');
});
afterAll(async () => env?.close());

async function launchAndFinish(): Promise<{ jobId: string; fileId: string; reused: boolean }> {
  const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: data }] });
  expect(entry.inputs.at(-1)).toMatchObject({ name: 'case A', path: data, archive: { files: 3, bytes: 24 } });
  // A job may be reported completed more than once (outputs arriving): wait for this launch's job.
  const jobId = await until('the job to be submitted', () => env.courier.jobs.store.get(entry.id)?.jobId ?? undefined);
  const done = await until('the job to complete', () => env.eventsOf('jobChanged').find((j) => j.jobId === jobId && j.outcome === 'completed'));
  const sub = env.courier.jobs.store.get(entry.id)!;
  const last = sub.inputs.at(-1)!;
  return { jobId: done.jobId, fileId: last.fileId!, reused: !!last.reused };
}

test('describeInput counts a folder; a link inside is refused at launch, naming it', async () => {
  expect(await env.call('jobs', 'describeInput', { path: data })).toEqual({ kind: 'folder', files: 3, bytes: 24 });
  const linked = join(env.dir, 'inputs', 'linked');
  await mkdir(linked);
  await writeFile(join(linked, 'x'), 'x');
  await symlink('/etc/hostname', join(linked, 'hostname'));
  await expect(env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: linked }] })).rejects.toThrow(
    `${join(linked, 'hostname')} is a symbolic link`,
  );
});

test('one archive, decompress:true, reused while it exists, uploaded again once deleted', async () => {
  const first = await launchAndFinish();
  expect(first.reused).toBe(false);
  expect(served(env.sb, REGISTER)).toBe(1);
  const job = await rest<{ jobanalyses: { inputFiles: { id: string; decompress: boolean }[] }[] }>(env.sb, 'GET', `/api/v3/jobs/${first.jobId}/`);
  expect(job.jobanalyses[0]!.inputFiles.at(-1)).toMatchObject({ id: first.fileId, decompress: true });
  expect((await rest<{ name: string }>(env.sb, 'GET', `/api/v3/files/${first.fileId}/`)).name).toBe('case A.zip');

  const second = await launchAndFinish();
  expect(second).toMatchObject({ reused: true, fileId: first.fileId });
  expect(served(env.sb, REGISTER)).toBe(1);

  await rest(env.sb, 'DELETE', `/api/v3/files/${first.fileId}/`);
  const third = await launchAndFinish();
  expect(third.reused).toBe(false);
  expect(third.fileId).not.toBe(first.fileId);
  expect(served(env.sb, REGISTER)).toBe(2);
  expect(await readdir(join(env.dir, 'data', 'staging', 'job-inputs'))).toEqual([]);
});

test('Files: "upload as one archive" sends the folder as one registered zip and removes the local archive', async () => {
  const before = served(env.sb, REGISTER);
  const { items } = await env.call('transfers', 'upload', { paths: [data], asArchive: true });
  expect(items.map((i) => i.name)).toEqual(['case A.zip']);
  const [done] = await env.courier.transfers().then((t) => t.whenSettled(items.map((i) => i.id)));
  expect(done).toMatchObject({ state: 'done', name: 'case A.zip' });
  expect(served(env.sb, REGISTER)).toBe(before + 1);
  await until('the local archive to be removed', async () => (await readdir(join(env.dir, 'data', 'staging', 'upload-archives'))).length === 0 || null);
});
