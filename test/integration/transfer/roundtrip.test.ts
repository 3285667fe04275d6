import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferService } from '../../../main/core/transfer/service';
import { opNames, readStored, STORAGE_KINDS } from '../../support/storage-kinds';
import { makeFile, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;

// The same scenario on both storage back ends (S3, and Azure Blob through Azurite).
describe.each(STORAGE_KINDS)('upload → platform → download round trip (%s)', (kind) => {
  let env: TransferEnv;
  let svc: TransferService;

  const head = kind === 'azure' ? 'GetBlobProperties' : 'HeadObject';

  beforeAll(async () => {
    env = await transferEnv({ storage: kind });
    svc = await env.service({ limits: { partSizeBytes: 5 * MiB } });
  });
  afterAll(async () => env.close());

  const cases: [string, number][] = [
    ['empty.bin', 0],
    ['one-block.bin', 16],
    ['exactly-one-part.bin', 5 * MiB],
    ['16MiB-minus-1.bin', 16 * MiB - 1],
    ['16MiB.bin', 16 * MiB],
    ['16MiB-plus-1.bin', 16 * MiB + 1],
    ['データ ファイル ü.bin', 1234],
  ];

  it('uploads each size so that the platform and openssl can decrypt it, and downloads it back intact', async () => {
    const src = join(env.dir, 'src');
    const data = new Map<string, Buffer>();
    for (const [name, size] of cases) data.set(name, await makeFile(join(src, name), size));
    const views = await svc.enqueueUpload(cases.map(([n]) => join(src, n)));
    const settled = await svc.whenSettled(views.map((v) => v.id));
    for (const v of settled) expect({ name: v.name, state: v.state, error: v.error }).toEqual({ name: v.name, state: 'done', error: undefined });

    for (const v of settled) {
      const plain = data.get(v.name) as Buffer;
      expect(v.remoteFileId).toBeTruthy();
      expect(v.bytesDone).toBe(plain.length);
      // 1. the platform reads what we stored (unicode names included)
      const served = await env.storage.contents(v.remoteFileId as string);
      expect(sha256(served)).toBe(sha256(plain));
      // 2. plain openssl decrypts the stored object with the record's key and the object's IV
      const rec = await env.storage.getFile(v.remoteFileId as string);
      expect(rec.fileChecksums[0]?.hashFunction).toBe('sha512');
      expect(rec.storage.storageType).toBe(kind === 'azure' ? 'AzureStorage' : 'S3Storage');
      const { cipher, metadata } = await readStored(env.sb, rec.pathParts.container, rec.pathParts.path);
      expect(metadata.iv).toBeTruthy();
      expect(metadata.streamingformat).toBe('cbc');
      expect(Number(metadata.partsize)).toBe(5 * MiB);
      expect(cipher.length).toBe((Math.floor(plain.length / 16) + 1) * 16);
      const cfile = join(env.dir, 'cipher.bin');
      await writeFile(cfile, cipher);
      const key = Buffer.from(rec.encodedEncryptionKey, 'base64').toString('hex');
      const iv = Buffer.from(metadata.iv as string, 'base64').toString('hex');
      const out = execFileSync('openssl', ['enc', '-d', '-aes-256-cbc', '-K', key, '-iv', iv, '-in', cfile], { maxBuffer: 64 * MiB });
      expect(sha256(out)).toBe(sha256(plain));
    }
    // Small files went in one request, the larger ones part by part (Put Block / UploadPart).
    const ops = kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3;
    expect(ops[opNames(kind).whole] ?? 0).toBeGreaterThanOrEqual(4);
    expect(ops[opNames(kind).part] ?? 0).toBeGreaterThanOrEqual(3 * 4);

    const ops0 = kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3;
    const heads0 = ops0[head] ?? 0;
    const dl = join(env.dir, 'dl');
    const downs = await svc.enqueueDownload(
      settled.map((v) => v.remoteFileId as string),
      dl,
    );
    const done = await svc.whenSettled(downs.map((d) => d.id));
    for (const d of done) {
      expect({ name: d.name, state: d.state, error: d.error }).toEqual({ name: d.name, state: 'done', error: undefined });
      expect(d.localPath).toBe(join(dl, d.name));
      expect(sha256(await readFile(d.localPath))).toBe(sha256(data.get(d.name) as Buffer));
    }
    // The files larger than a part came back as parallel ranged GETs, with no HEAD first: the
    // record gave their size, the first range's answer their IV.
    if (kind === 'azure') expect(env.sb.stats().azureRangedGets).toBeGreaterThanOrEqual(3 * 4);
    const ops1 = kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3;
    expect(ops1[head] ?? 0).toBe(heads0);
  });
});
