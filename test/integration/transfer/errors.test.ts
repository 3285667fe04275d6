// Each failure is specific to its item, says what happened, and does not stop the others.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, chmod, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteFile } from '../../../main/core/transfer/ports';
import type { TransferService } from '../../../main/core/transfer/service';
import type { TransferView } from '../../../main/core/transfer/types';
import { spawnEngine } from '../../support/engine-process';
import { readStored, s3AdminClient } from '../../support/storage-kinds';
import { makeFile, progressWhere, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
let env: TransferEnv;
let svc: TransferService;
let sample: RemoteFile; // a real, downloadable record to derive hostile ones from

beforeAll(async () => {
  env = await transferEnv();
  svc = await env.service({ limits: { partSizeBytes: 5 * MiB } });
  const p = join(env.dir, 'sample.bin');
  await makeFile(p, 8 * MiB);
  const [v] = await svc.enqueueUpload([p]);
  const [done] = await svc.whenSettled([v?.id as string]);
  sample = await env.storage.getFile(done?.remoteFileId as string);
});
afterAll(async () => env.close());

const summary = (vs: TransferView[]) => vs.map((v) => ({ name: v.name, state: v.state, code: v.error?.code }));

describe('upload errors', () => {
  it('a missing file and a file edited mid-upload fail on their own; the rest is uploaded', async () => {
    const good = join(env.dir, 'u-good.bin');
    const changing = join(env.dir, 'u-changing.bin');
    await makeFile(good, 3000);
    await makeFile(changing, 16 * MiB);
    svc.setLimits({ bandwidth: { bytesPerSecond: 8 * MiB } });
    try {
      const views = await svc.enqueueUpload([good, join(env.dir, 'u-missing.bin'), changing]);
      await progressWhere(svc, views[2]?.id as string, (x) => x.bytesDone > 2 * MiB);
      await appendFile(changing, 'edited while uploading');
      svc.setLimits({ bandwidth: { bytesPerSecond: null } });
      const done = await svc.whenSettled(views.map((v) => v.id));
      expect(summary(done)).toEqual([
        { name: 'u-good.bin', state: 'done', code: undefined },
        { name: 'u-missing.bin', state: 'failed', code: 'not_found' },
        { name: 'u-changing.bin', state: 'failed', code: 'file_changed' },
      ]);
      expect(done[1]?.error?.message).toContain('u-missing.bin');
      expect(done[2]?.error?.message).toMatch(/changed while it was being uploaded/);
    } finally {
      svc.setLimits({ bandwidth: { bytesPerSecond: null } });
    }
  });

  it('an unreadable file fails with permission_denied; its neighbour is uploaded', async () => {
    const ok = join(env.dir, 'perm-ok.bin');
    const locked = join(env.dir, 'perm-locked.bin');
    await makeFile(ok, 1000);
    await makeFile(locked, 1000);
    await chmod(locked, 0o000);
    const root = process.getuid?.() === 0;
    // Root reads anything; the engine then runs in a child without CAP_DAC_OVERRIDE so the mode bits count.
    const child = spawnEngine(
      {
        apiUrl: env.sb.apiUrl,
        token: env.sb.token,
        s3Endpoint: env.sb.s3Endpoint,
        journalPath: join(env.dir, 'perm', 'j.db'),
        sealerKeyHex: env.sealerKey.toString('hex'),
        op: 'upload',
        paths: [ok, locked],
      },
      { dropPrivileges: root },
    );
    const settled = await child.waitFor((l) => l.event === 'settled');
    expect(await child.exit).toBe(0);
    expect(summary(settled.views ?? [])).toEqual([
      { name: 'perm-ok.bin', state: 'done', code: undefined },
      { name: 'perm-locked.bin', state: 'failed', code: 'permission_denied' },
    ]);
  });
});

describe('download errors', () => {
  it('refuses hostile or impossible names from the server, item by item', async () => {
    const dir = join(env.dir, 'names');
    const deep = Array.from({ length: 24 }, (_, i) => `${'d'.repeat(200)}${i}`).join('/'); // > PATH_MAX
    const recs: RemoteFile[] = [
      { ...sample, name: 'fine.bin' },
      { ...sample, name: '../escape.bin' },
      { ...sample, name: 'sub/dir.bin' },
      { ...sample, name: 'CON.txt' },
      { ...sample, name: 'nul\u0000byte.bin' },
      { ...sample, name: '..' },
      { ...sample, name: `${'ü'.repeat(200)}.bin` },
    ];
    const views = await svc.enqueueDownload(recs, dir);
    const deepView = await svc.enqueueDownload([{ ...sample, name: 'deep.bin', relativePath: `${deep}/deep.bin` }], dir, { preserveRelativePaths: true });
    const done = await svc.whenSettled([...views, ...deepView].map((v) => v.id));
    expect(done.map((v) => v.error?.code ?? v.state)).toEqual([
      'done',
      'invalid_name',
      'invalid_name',
      'invalid_name',
      'invalid_name',
      'invalid_name',
      'path_too_long',
      'path_too_long',
    ]);
    for (const v of done.slice(1)) expect(v.error?.message.length).toBeGreaterThan(10);
    svc.retry(done[1]?.id as string); // a hostile name fails the same way every time: retry is refused
    expect(svc.list().items.find((v) => v.id === done[1]?.id)?.state).toBe('failed');
    expect(await readdir(dir)).toEqual(['fine.bin']); // nothing escaped, nothing half-written
  });

  it('detects a truncated object and a tampered one before anything appears', async () => {
    const a = env.sb.s3Admin;
    const s3 = new S3Client({
      endpoint: a.endpoint,
      region: a.region,
      forcePathStyle: true,
      credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    });
    const iv = Buffer.alloc(16, 7).toString('base64');
    const base = `${env.sb.storageDir}/hostile`;
    await s3.send(new PutObjectCommand({ Bucket: a.bucket, Key: `${base}-short`, Body: Buffer.alloc(100), Metadata: { iv } }));
    await s3.send(new PutObjectCommand({ Bucket: a.bucket, Key: `${base}-tampered`, Body: Buffer.alloc(8 * MiB + 16, 1), Metadata: { iv } }));
    s3.destroy();
    const dir = join(env.dir, 'hostile');
    const views = await svc.enqueueDownload(
      [
        { ...sample, name: 'short.bin', decryptedSize: 90, pathParts: { container: a.bucket, path: `${base}-short` } },
        { ...sample, name: 'tampered.bin', pathParts: { container: a.bucket, path: `${base}-tampered` } },
        // Its temporary file is made while the GET is in flight: the 404 must take it away too.
        { ...sample, name: 'gone.bin', decryptedSize: 90, pathParts: { container: a.bucket, path: `${base}-never-stored` } },
        { ...sample, name: 'good.bin' },
      ],
      dir,
    );
    const done = await svc.whenSettled(views.map((v) => v.id));
    expect(summary(done)).toEqual([
      { name: 'short.bin', state: 'failed', code: 'corrupt_object' },
      { name: 'tampered.bin', state: 'failed', code: expect.stringMatching(/^(checksum_mismatch|corrupt_object)$/) as unknown as string },
      { name: 'gone.bin', state: 'failed', code: 'not_found' },
      { name: 'good.bin', state: 'done', code: undefined },
    ]);
    expect(await readdir(dir)).toEqual(['good.bin']);
  });

  it('a stored object replaced while its ranges download fails that download (remote_changed), leaving nothing', async () => {
    const src = join(env.dir, 'replaced-src.bin');
    await makeFile(src, 20 * MiB); // 4 ranges of 5 MiB
    const [upView] = await svc.enqueueUpload([src]);
    const [up] = await svc.whenSettled([upView?.id as string]);
    const rec = await env.storage.getFile(up?.remoteFileId as string);
    const s3 = s3AdminClient(env.sb);
    const dir = join(env.dir, 'replaced');
    svc.setLimits({ partsPerFile: 1, bandwidth: { bytesPerSecond: 8 * MiB } });
    try {
      const [view] = await svc.enqueueDownload([rec], dir);
      // The first range is in: its answer named the object's version, the later ranges ask for that one.
      await progressWhere(svc, view?.id as string, (x) => x.bytesDone > 5 * MiB);
      const stored = await readStored(env.sb, rec.pathParts.container, rec.pathParts.path);
      const other = Buffer.from(stored.cipher.map((b) => b ^ 1)); // same size, another version
      await s3.send(new PutObjectCommand({ Bucket: rec.pathParts.container, Key: rec.pathParts.path, Body: other, Metadata: stored.metadata }));
      svc.setLimits({ bandwidth: { bytesPerSecond: null } });
      const [done] = await svc.whenSettled([view?.id as string]);
      expect({ state: done?.state, code: done?.error?.code }).toEqual({ state: 'failed', code: 'remote_changed' });
      expect(await readdir(dir)).toEqual([]); // neither the file nor its temporary copy
    } finally {
      s3.destroy();
      svc.setLimits({ partsPerFile: 4, bandwidth: { bytesPerSecond: null } });
    }
  });

  const canMount = process.platform === 'linux' && process.getuid?.() === 0;
  it.skipIf(!canMount)('a full disk fails that download with disk_full and frees its space; others finish', async () => {
    const mnt = join(env.dir, 'tiny-disk');
    await mkdir(mnt, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mnt]);
    } catch {
      return; // no mount permission in this container: nothing to test
    }
    try {
      const views = await svc.enqueueDownload([sample], mnt);
      const other = await svc.enqueueDownload([sample], join(env.dir, 'roomy'));
      const done = await svc.whenSettled([...views, ...other].map((v) => v.id));
      expect(done.map((v) => v.error?.code ?? v.state)).toEqual(['disk_full', 'done']);
      expect(done[0]?.error?.message).toMatch(/^No space left on the disk: .*tiny-disk\/sample\.bin \(ENOSPC\)$/); // the file asked for, not the temporary one
      expect(await readdir(mnt)).toEqual([]); // the partial temporary file was removed
      const got = createHash('sha512')
        .update(await readFile(join(env.dir, 'roomy', sample.name)))
        .digest('hex');
      expect(got).toBe(sample.fileChecksums[0]?.fileHash);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });

  it.skipIf(!canMount)('a read-only target says so (not "not found"), into the folder and into a subfolder to be made', async () => {
    const smallPath = join(env.dir, 'small note.txt');
    await makeFile(smallPath, 100_000);
    const [up] = await svc.whenSettled((await svc.enqueueUpload([smallPath])).map((v) => v.id));
    const small = await env.storage.getFile(up?.remoteFileId as string); // one GET (the large sample goes by ranges)
    const mnt = join(env.dir, 'ro-disk');
    await mkdir(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,ro', 'tmpfs', mnt]);
    try {
      const views = [...(await svc.enqueueDownload([sample, small], mnt)), ...(await svc.enqueueDownload([sample], join(mnt, 'results', 'run 1')))];
      const done = await svc.whenSettled(views.map((v) => v.id));
      expect(done.map((v) => v.error?.code)).toEqual(['permission_denied', 'permission_denied', 'permission_denied']);
      // Named as the user knows them: the file asked for (not its temporary name), and the folder it was to go in.
      expect(done.map((v) => v.error?.message)).toEqual([
        `The file system is read-only: ${join(mnt, sample.name)} (EROFS)`,
        `The file system is read-only: ${join(mnt, 'small note.txt')} (EROFS)`,
        `The file system is read-only: ${join(mnt, 'results', 'run 1')} (EROFS)`,
      ]);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});
