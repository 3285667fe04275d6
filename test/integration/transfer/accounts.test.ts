// Transfers belong to the account that queued them. After a switch, the other account's
// transfers are held (paused, with a notice) and nothing of theirs moves; switching back
// continues them where they were, also after a restart.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_ACCOUNT } from '../../../main/core/transfer/engine';
import { makeFile, progressWhere, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
let env: TransferEnv;

beforeAll(async () => {
  env = await transferEnv();
});
afterAll(async () => env.close());

describe('transfers and accounts', () => {
  it('holds the other account’s transfers after a switch, and continues them on switching back (also after a restart)', async () => {
    const svc = await env.service({ limits: { partSizeBytes: 5 * MiB, partsPerFile: 1, bandwidth: { bytesPerSecond: 8 * MiB } } });
    svc.setAccount('alice');
    const bigPath = join(env.dir, 'alice.bin');
    const big = await makeFile(bigPath, 24 * MiB);
    const [a] = await svc.enqueueUpload([bigPath]);
    await progressWhere(svc, a?.id as string, (v) => v.bytesDone > 5 * MiB);

    const credsBefore = env.sb.stats().api['POST /api/v3/credentials/'] ?? 0;
    svc.setAccount('bob');
    const held = await progressWhere(svc, a?.id as string, (v) => v.state === 'paused');
    expect(held.notice?.code).toBe(OTHER_ACCOUNT);

    // Bob's own upload runs meanwhile, with keys fetched anew for him.
    const bobPath = join(env.dir, 'bob.bin');
    const bobData = await makeFile(bobPath, 2 * MiB);
    const [b] = await svc.enqueueUpload([bobPath]);
    const [bDone] = await svc.whenSettled([b?.id as string]);
    expect(bDone?.state).toBe('done');
    expect((env.sb.stats().api['POST /api/v3/credentials/'] ?? 0) - credsBefore).toBeGreaterThanOrEqual(1);
    expect(sha256(await env.storage.contents(bDone?.remoteFileId as string))).toBe(sha256(bobData));
    const stillHeld = svc.list().items.find((v) => v.id === a?.id);
    expect({ state: stillHeld?.state, bytesDone: stillHeld?.bytesDone }).toEqual({ state: 'paused', bytesDone: held.bytesDone });

    // Resuming it by hand while Bob is active does not run it under Bob.
    svc.resume(a?.id);
    expect(svc.list().items.find((v) => v.id === a?.id)?.state).toBe('paused');

    // A restart with Bob active keeps it held; switching to Alice continues it.
    await svc.close();
    const again = await env.service({ limits: { partSizeBytes: 5 * MiB, partsPerFile: 1 }, account: 'bob' });
    const registrationsBefore = env.sb.stats().api['POST /api/v3/files/'] ?? 0;
    expect(again.list().items.find((v) => v.id === a?.id)).toMatchObject({ state: 'paused', notice: { code: OTHER_ACCOUNT } });
    again.setAccount('alice');
    const [aDone] = await again.whenSettled([a?.id as string]);
    expect({ state: aDone?.state, notice: aDone?.notice }).toEqual({ state: 'done', notice: undefined });
    expect((env.sb.stats().api['POST /api/v3/files/'] ?? 0) - registrationsBefore).toBe(1); // registered once, under Alice
    expect(sha256(await env.storage.contents(aDone?.remoteFileId as string))).toBe(sha256(big));
  });
});
