// Per-file AES keys at rest: a download's key is sealed in the journal while the download can
// still resume (even after kill -9) and gone once it is done, failed or cancelled. Every byte of
// the data folder (database, -wal, -shm, anything else) is searched for the key as base64, as
// raw bytes and as hex.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteFile } from '../../../main/core/transfer/ports';
import { makeFile, progressWhere, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';
import { spawnEngine, type ChildLine } from '../../support/engine-process';
import type { ChildSpec } from '../../support/engine-child';

const MiB = 1 << 20;
const SIZE = 24 * MiB;
const PART = 5 * MiB;
let env: TransferEnv;
let record: RemoteFile;
let data: Buffer;

beforeAll(async () => {
  env = await transferEnv();
  const src = join(env.dir, 'secret-src.bin');
  data = await makeFile(src, SIZE);
  const svc = await env.service({ journalPath: join(env.dir, 'uploader', 'j.db'), limits: { partSizeBytes: PART } });
  const [v] = await svc.enqueueUpload([src]);
  const [up] = await svc.whenSettled([v?.id as string]);
  await svc.close();
  record = await env.storage.getFile(up?.remoteFileId as string);
});
afterAll(async () => env.close());

/** Every file under `dir`, recursively, as bytes. */
async function allBytes(dir: string): Promise<{ path: string; bytes: Buffer }[]> {
  const out: { path: string; bytes: Buffer }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await allBytes(p)));
    else if ((await stat(p)).isFile()) out.push({ path: p, bytes: await readFile(p) });
  }
  return out;
}

/** Files of the data folder that hold the key in any of its three spellings. */
async function filesHoldingKey(dir: string, keyB64: string): Promise<string[]> {
  const raw = Buffer.from(keyB64, 'base64');
  const needles = [Buffer.from(keyB64), raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('hex').toUpperCase())];
  const files = await allBytes(dir);
  expect(files.length).toBeGreaterThan(0);
  return files.filter((f) => needles.some((n) => f.bytes.includes(n))).map((f) => f.path);
}

function row(journalPath: string, id: string): { remote_json: string; key_sealed: Buffer | null; state: string } {
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT remote_json, key_sealed, state FROM transfers WHERE id = ?').get(id) as {
      remote_json: string;
      key_sealed: Buffer | null;
      state: string;
    };
  } finally {
    db.close();
  }
}

function spec(over: Partial<ChildSpec>): ChildSpec {
  return {
    apiUrl: env.sb.apiUrl,
    token: env.sb.token,
    s3Endpoint: env.sb.s3Endpoint,
    journalPath: env.journalPath,
    sealerKeyHex: env.sealerKey.toString('hex'),
    op: 'resume',
    ...over,
  };
}

describe('download keys at rest', () => {
  it('are sealed while a download can resume (kill -9 included) and gone from every file once it is done', async () => {
    const dataDir = join(env.dir, 'data-resume');
    const journalPath = join(dataDir, 'transfers.db');
    const out = join(env.dir, 'out-resume');
    const first = spawnEngine(
      spec({
        journalPath,
        op: 'download',
        ids: [record.id],
        dir: out,
        limits: { partSizeBytes: PART, partsPerFile: 1, bandwidth: { bytesPerSecond: 6 * MiB } },
      }),
    );
    const id = (await first.waitFor((l) => l.event === 'enqueued')).ids?.[0] as string;
    await first.waitFor((l: ChildLine) => l.event === 'progress' && (l.items ?? []).some((i) => i.id === id && i.bytesDone >= 0.3 * SIZE));
    await first.kill9();

    expect(await filesHoldingKey(dataDir, record.encodedEncryptionKey)).toEqual([]);
    const mid = row(journalPath, id);
    expect(mid.remote_json).not.toContain('encodedEncryptionKey');
    expect(mid.key_sealed?.length).toBeGreaterThan(32); // sealed: version, nonce, tag, ciphertext

    const second = spawnEngine(spec({ journalPath, op: 'resume', limits: { partSizeBytes: PART } }));
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    expect(settled.views?.[0]).toMatchObject({ state: 'done' });
    expect(sha256(await readFile(join(out, 'secret-src.bin')))).toBe(sha256(data));

    expect(await filesHoldingKey(dataDir, record.encodedEncryptionKey)).toEqual([]);
    expect(row(journalPath, id)).toMatchObject({ state: 'done', key_sealed: null });
  });

  it('are dropped when a download fails; a retry after a restart gets the key from the platform again', async () => {
    const dataDir = join(env.dir, 'data-failed');
    const journalPath = join(dataDir, 'transfers.db');
    const out = join(env.dir, 'out-failed');
    // The storage refuses a range outright (not worth retrying): the download fails for good.
    env.sb.addFault({ op: 'GetObject', status: 400, code: 'InvalidRequest', times: 1 });
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART } });
    const [v] = await svc.enqueueDownload([record], out);
    const id = v?.id as string;
    const [failed] = await svc.whenSettled([id]);
    expect(failed?.error?.code).toBe('storage_error');
    await svc.close();
    expect(row(journalPath, id)).toMatchObject({ state: 'failed', key_sealed: null });
    expect(await filesHoldingKey(dataDir, record.encodedEncryptionKey)).toEqual([]);

    const lookups = (): number => Object.entries(env.sb.stats().api).reduce((n, [k, c]) => n + (/^GET \/api\/v[23]\/files\/\{id\}\/$/.test(k) ? c : 0), 0);
    const before = lookups();
    const again = await env.service({ journalPath, limits: { partSizeBytes: PART } });
    again.retry(id);
    const [done] = await again.whenSettled([id]);
    expect(lookups() - before).toBe(1);
    // The key came from the platform again (the journal had none): the file decrypts and verifies.
    expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await readFile(join(out, 'secret-src.bin')))).toBe(sha256(data));
    await again.close();
    expect(await filesHoldingKey(dataDir, record.encodedEncryptionKey)).toEqual([]);
  });

  it('are dropped when a download is cancelled', async () => {
    const dataDir = join(env.dir, 'data-cancel');
    const journalPath = join(dataDir, 'transfers.db');
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 1, bandwidth: { bytesPerSecond: 4 * MiB } } });
    const [v] = await svc.enqueueDownload([record.id], join(env.dir, 'out-cancel'));
    const id = v?.id as string;
    await progressWhere(svc, id, (x) => x.bytesDone > 0);
    svc.pause(id);
    await progressWhere(svc, id, (x) => x.state === 'paused');
    await svc.close(); // commits the journal
    expect(row(journalPath, id).key_sealed?.length).toBeGreaterThan(32);

    const again = await env.service({ journalPath });
    again.cancel(id);
    await again.whenSettled([id]);
    await again.close();
    expect(row(journalPath, id)).toMatchObject({ state: 'cancelled', key_sealed: null });
    expect(await filesHoldingKey(dataDir, record.encodedEncryptionKey)).toEqual([]);
  });
});
