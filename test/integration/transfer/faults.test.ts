// Storage misbehaving: a 503 storm, connections cut mid-part, credentials expiring mid-transfer.
// Every transfer must still end byte-exact, without failing the item.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransferService } from '../../../main/core/transfer/service';
import { opNames, STORAGE_KINDS } from '../../support/storage-kinds';
import { makeFile, progressWhere, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;

// Every scenario on both storage back ends (S3, and Azure Blob through Azurite).
describe.each(STORAGE_KINDS)('on %s', (kind) => {
  const ops = opNames(kind);
  const opCount = (op: string): number => (kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3)[op] ?? 0;
  let env: TransferEnv;
  let svc: TransferService;

  beforeAll(async () => {
    env = await transferEnv({ storage: kind });
    svc = await env.service({ limits: { partSizeBytes: 5 * MiB, partsPerFile: 2 } });
  });
  afterEach(() => env.sb.clearFaults());
  afterAll(async () => env.close());

  async function uploadOne(name: string, size: number): Promise<{ data: Buffer; id: string; remoteId: string }> {
    const p = join(env.dir, name);
    const data = await makeFile(p, size);
    const [v] = await svc.enqueueUpload([p]);
    const [done] = await svc.whenSettled([v?.id as string]);
    expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
    return { data, id: done?.id as string, remoteId: done?.remoteFileId as string };
  }

  async function downloadOne(remoteId: string, dir: string): Promise<Buffer> {
    const [v] = await svc.enqueueDownload([remoteId], join(env.dir, dir));
    const [done] = await svc.whenSettled([v?.id as string]);
    expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
    return readFile(done?.localPath as string);
  }

  describe('storage faults', () => {
    it('rides out a 503 storm on uploads and downloads (retries with backoff)', async () => {
      const before = env.sb.stats().faultsFired;
      env.sb.addFault({ target: 's3', method: 'PUT', path: '**', status: 503, times: 6 });
      const up = await uploadOne('storm.bin', 12 * MiB + 3);
      expect(env.sb.stats().faultsFired - before).toBe(6);
      expect(sha256(await env.storage.contents(up.remoteId))).toBe(sha256(up.data));

      env.sb.addFault({ target: 's3', op: ops.get, status: 503, code: kind === 'azure' ? 'ServerBusy' : 'SlowDown', times: 4 });
      expect(sha256(await downloadOne(up.remoteId, 'storm-dl'))).toBe(sha256(up.data));
      expect(env.sb.stats().faultsFired - before).toBe(10);
    });

    it('survives a connection cut in the middle of a part, both ways', async () => {
      const before = env.sb.stats();
      const partsBefore = opCount(ops.part);
      env.sb.addFault({ target: 's3', op: ops.part, cutAfterBytes: 1_000_000, times: 2 });
      const up = await uploadOne('cut.bin', 11 * MiB);
      const after = env.sb.stats();
      expect(after.faultsFired - before.faultsFired).toBe(2);
      expect(opCount(ops.part) - partsBefore).toBe(3 + 2); // 3 parts, 2 of them twice
      expect(sha256(await env.storage.contents(up.remoteId))).toBe(sha256(up.data));

      env.sb.addFault({ target: 's3', op: ops.get, cutAfterBytes: 700_000, times: 2 });
      expect(sha256(await downloadOne(up.remoteId, 'cut-dl'))).toBe(sha256(up.data));
    });

    it('refreshes credentials that expire mid-transfer without failing it', async () => {
      const p = join(env.dir, 'expire.bin');
      const data = await makeFile(p, 24 * MiB);
      svc.setLimits({ bandwidth: { bytesPerSecond: 12 * MiB } }); // ~2 s: time to expire them halfway
      try {
        const [v] = await svc.enqueueUpload([p]);
        await progressWhere(svc, v?.id as string, (x) => x.bytesDone > 6 * MiB);
        const credsBefore = env.sb.stats().api['POST /api/v3/credentials/'] ?? 0;
        expect(await env.sb.expireCredentials()).toBeGreaterThan(0);
        const [done] = await svc.whenSettled([v?.id as string]);
        expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
        expect((env.sb.stats().api['POST /api/v3/credentials/'] ?? 0) - credsBefore).toBeGreaterThanOrEqual(1);
        // Azure: the revoked SAS was refused (403 AuthenticationFailed) and the request went again with a new one.
        if (kind === 'azure') expect(env.sb.stats().azureRevokedSas).toBeGreaterThan(0);
        expect(sha256(await env.storage.contents(done?.remoteFileId as string))).toBe(sha256(data));

        const [d] = await svc.enqueueDownload([done?.remoteFileId as string], join(env.dir, 'expire-dl'));
        await progressWhere(svc, d?.id as string, (x) => x.bytesDone > 6 * MiB);
        const credsMid = env.sb.stats().api['POST /api/v3/credentials/'] ?? 0;
        await env.sb.expireCredentials();
        const [dd] = await svc.whenSettled([d?.id as string]);
        expect({ state: dd?.state, error: dd?.error }).toEqual({ state: 'done', error: undefined });
        expect((env.sb.stats().api['POST /api/v3/credentials/'] ?? 0) - credsMid).toBeGreaterThanOrEqual(1);
        expect(sha256(await readFile(dd?.localPath as string))).toBe(sha256(data));
      } finally {
        svc.setLimits({ bandwidth: { bytesPerSecond: null } });
      }
    });
  });

  describe('short-lived credentials', () => {
    it('renews keys ahead of expiry during a long transfer', async () => {
      const short = await transferEnv({ storage: kind, credentialTtlSeconds: 3 });
      try {
        const s = await short.service({ limits: { partSizeBytes: 5 * MiB, bandwidth: { bytesPerSecond: 6 * MiB } } });
        const p = join(short.dir, 'long.bin');
        const data = await makeFile(p, 24 * MiB); // ~4 s at 6 MiB/s: outlives two 3 s credentials
        const [v] = await s.enqueueUpload([p]);
        const [done] = await s.whenSettled([v?.id as string]);
        expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
        expect(short.sb.stats().api['POST /api/v3/credentials/'] ?? 0).toBeGreaterThanOrEqual(2);
        expect(sha256(await short.storage.contents(done?.remoteFileId as string))).toBe(sha256(data));
      } finally {
        await short.close();
      }
    });
  });
});
