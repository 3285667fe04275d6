import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { apiClient, issueCreds, listResults, pollUntil, sessionClient, uploadAndRegister, type Obj } from './helpers';

let sb: RunningSandbox;
let tmp: string;
beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 1 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'sbx-openssl-'));
});
afterAll(async () => {
  await sb?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** Fetches the stored object and decrypts it with the openssl CLI, as the platform would. */
async function opensslDecrypt(bucket: string, key: string, keyB64: string): Promise<Buffer> {
  const creds = await issueCreds(sb);
  const s3 = sessionClient(sb, creds);
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const ivB64 = head.Metadata?.['iv'];
  expect(ivB64, 'x-amz-meta-iv').toBeTruthy();
  const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const cipher = Buffer.from(await obj.Body!.transformToByteArray());
  s3.destroy();
  const name = randomBytes(6).toString('hex');
  const [inFile, outFile] = [path.join(tmp, `${name}.enc`), path.join(tmp, `${name}.out`)];
  writeFileSync(inFile, cipher);
  execFileSync('openssl', [
    'enc',
    '-d',
    '-aes-256-cbc',
    '-K',
    Buffer.from(keyB64, 'base64').toString('hex'),
    '-iv',
    Buffer.from(ivB64!, 'base64').toString('hex'),
    '-in',
    inFile,
    '-out',
    outFile,
  ]);
  return readFileSync(outFile);
}

describe('Rescale encryption round trip through the sandbox', () => {
  const cases: [string, Buffer, boolean, number][] = [
    ['empty file (one 16-byte block, multipart with one part)', Buffer.alloc(0), true, 1],
    ['exactly one part (PutObject)', randomBytes(1_234_567), false, 1],
    ['many parts in one CBC chain', randomBytes(3 * (5 << 20) + 12_345), true, 4],
    ['many parts, block-aligned size', randomBytes(2 * (5 << 20)), true, 2],
  ];
  for (const [label, plain, multipart, partCount] of cases) {
    it(`decrypts with openssl: ${label}`, async () => {
      const { record, enc, objectKey } = await uploadAndRegister(sb, 'data.bin', plain, { multipart });
      expect(enc.parts.length).toBe(partCount);
      const out = await opensslDecrypt(sb.bucket, objectKey, String(record['encodedEncryptionKey']));
      expect(out.equals(plain)).toBe(true);
      // The server-side decrypting download agrees.
      const res = await fetch(`${sb.apiUrl}/api/v2/files/${String(record['id'])}/contents/`, { headers: { authorization: `Token ${sb.token}` } });
      expect(Buffer.from(await res.arrayBuffer()).equals(plain)).toBe(true);
    });
  }

  it("the sandbox's own job outputs decrypt with openssl and match their sha512", async () => {
    const api = apiClient(sb);
    const job = await api.post('/api/v2/jobs/', {
      name: 'outputs',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    expect(job.status, job.text).toBe(201);
    const id = String(job.json['id']);
    expect((await api.post(`/api/v2/jobs/${id}/submit/`)).status).toBe(200);
    const files = await pollUntil(async () => {
      const r = listResults(await api.get(`/api/v2/jobs/${id}/files/`));
      return r.length >= 2 ? r : undefined;
    }, 15_000);
    for (const f of files) {
      const pp = f['pathParts'] as Obj;
      const out = await opensslDecrypt(String(pp['container']), String(pp['path']), String(f['encodedEncryptionKey']));
      expect(out.length).toBe(f['decryptedSize']);
      expect(createHash('sha512').update(out).digest('hex')).toBe((f['fileChecksums'] as Obj[])[0]!['fileHash']);
    }
    expect(files.map((f) => f['name'])).toEqual(['process_output.log', 'result.txt']);
  });
});
