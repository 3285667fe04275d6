// Storage regions as the platform really gives them: file records whose storage names no region
// (the user's default storage fills it in), and buckets S3 keeps in another region than the
// records say (S3's region error names the right one; the worker re-signs for it once and
// remembers it for the bucket).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RemoteFile } from '../../../main/core/transfer/ports';
import { makeFile, sha256, sha256File, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
let env: TransferEnv | undefined;
afterEach(async () => env?.close());

/** The file's record as the platform may send it: storage without a region (nor the sandbox's endpoint hint). */
function withoutRegion(f: RemoteFile): RemoteFile {
  const { region: _region, endpoint: _endpoint, ...rest } = f.storage.connectionSettings;
  return { ...f, storage: { ...f.storage, connectionSettings: rest } };
}

describe('storage regions', () => {
  it('downloads a file whose record names no region, using the default storage of users/me', async () => {
    env = await transferEnv();
    const svc = await env.service();
    const src = join(env.dir, 'src', 'no-region.bin');
    const data = await makeFile(src, 3 * MiB + 5);
    const [up] = await svc.whenSettled((await svc.enqueueUpload([src])).map((v) => v.id));
    expect(up?.state).toBe('done');
    const rec = withoutRegion(await env.storage.getFile(up?.remoteFileId as string));
    expect(rec.storage.connectionSettings['region']).toBeUndefined();

    const [d] = await svc.whenSettled((await svc.enqueueDownload([rec], join(env.dir, 'dl'))).map((v) => v.id));
    expect({ state: d?.state, error: d?.error }).toEqual({ state: 'done', error: undefined });
    expect(await sha256File(d?.localPath as string)).toBe(sha256(data));
    expect(env.sb.stats().regionErrors).toBe(0); // the default storage's region was the right one
  });

  it('follows the region S3 names when the bucket is elsewhere: refused once, re-signed, then remembered', async () => {
    // users/me and the records say ap-northeast-1; S3 keeps the bucket in eu-west-1.
    env = await transferEnv({ region: 'ap-northeast-1', bucketRegion: 'eu-west-1' });
    const up = await env.service({ workerCount: 1 });
    const upload = async (name: string, size: number) => {
      const p = join(env!.dir, 'src', name);
      const data = await makeFile(p, size);
      const [v] = await up.whenSettled((await up.enqueueUpload([p])).map((x) => x.id));
      expect({ state: v?.state, error: v?.error }).toEqual({ state: 'done', error: undefined });
      return { id: v?.remoteFileId as string, data };
    };
    await upload('first.bin', 12 * MiB); // multipart: its first request learns the region
    expect(env.sb.stats().regionErrors).toBe(1);
    const small = await upload('second.bin', 200_001);
    await upload('third.bin', 6 * MiB);
    expect(env.sb.stats().regionErrors).toBe(1); // remembered for the bucket: no more refusals
    await up.close();

    // A new service (a new worker, nothing learnt): the download's first request is refused with the region, the next succeeds.
    env.sb.resetStats();
    const down = await env.service({ workerCount: 1, journalPath: join(env.dir, 'j2', 'transfers.db') });
    const [d] = await down.whenSettled((await down.enqueueDownload([small.id], join(env.dir, 'dl'))).map((v) => v.id));
    expect({ state: d?.state, error: d?.error }).toEqual({ state: 'done', error: undefined });
    expect(await sha256File(d?.localPath as string)).toBe(sha256(small.data));
    const s = env.sb.stats();
    expect(s.regionErrors).toBe(1);
    expect(s.s3['GetObject']).toBe(2); // refused once, followed once
  });
});
