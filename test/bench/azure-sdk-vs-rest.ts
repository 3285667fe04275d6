// Why the Azure back end (main/core/transfer/worker/azure-control.ts) sends its own REST
// requests instead of using @azure/storage-blob: the same blocks staged, committed and read
// back in ranges through both, against Azurite in its own process, measuring this process's
// CPU (the client's work) and wall time. Ratios matter, not absolute numbers.
//   npx tsx test/bench/azure-sdk-vs-rest.ts [MiB=256]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, BlockBlobClient, ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { Agent, request } from 'undici';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from '../../sandbox/azure/azurite';

const MiB = 1 << 20;
const BLOCK = 16 * MiB;
const PARALLEL = 4;
const VERSION = '2021-12-02';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function pool<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  }));
  return out;
}

async function measure(label: string, bytes: number, fn: () => Promise<void>): Promise<{ label: string; mibps: number; cpuMsPerGiB: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const secs = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { label, mibps: bytes / MiB / secs, cpuMsPerGiB: ((c.user + c.system) / 1000) * ((1 << 30) / bytes) };
}

const id = (i: number): string => Buffer.from(String(i).padStart(6, '0')).toString('base64');

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 256) * MiB;
  const dir = await mkdtemp(join(tmpdir(), 'az-bench-'));
  const port = await freePort();
  const az = spawn(join('node_modules', '.bin', 'azurite-blob'), ['--blobPort', String(port), '-l', dir, '-s', '--disableTelemetry', '--skipApiVersionCheck'], { stdio: 'ignore' });
  try {
    const endpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
    const cred = new StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY);
    const container = new BlobServiceClient(endpoint, cred).getContainerClient('bench');
    for (let i = 0; ; i++) {
      try {
        await container.createIfNotExists();
        break;
      } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const sas = generateBlobSASQueryParameters({ containerName: 'bench', permissions: ContainerSASPermissions.parse('racwdl'), expiresOn: new Date(Date.now() + 3600_000) }, cred).toString();
    const data = randomBytes(BLOCK);
    const n = Math.ceil(total / BLOCK);
    const dispatcher = new Agent({ connections: 16 });
    const results = [];
    for (let round = 0; round < 2; round++) {
      const sdkBlob = new BlockBlobClient(`${endpoint}/bench/sdk-${round}?${sas}`);
      results.push(await measure('SDK upload', total, async () => {
        await pool(PARALLEL, Array.from({ length: n }, (_, i) => () => sdkBlob.stageBlock(id(i), data, data.length)));
        await sdkBlob.commitBlockList(Array.from({ length: n }, (_, i) => id(i)), { metadata: { iv: 'x' } });
      }));
      const url = `${endpoint}/bench/raw-${round}`;
      results.push(await measure('REST upload', total, async () => {
        await pool(PARALLEL, Array.from({ length: n }, (_, i) => async () => {
          const r = await request(`${url}?comp=block&blockid=${encodeURIComponent(id(i))}&${sas}`, { method: 'PUT', body: data, headers: { 'x-ms-version': VERSION, 'content-length': String(data.length) }, dispatcher });
          await r.body.dump();
        }));
        const xml = `<?xml version="1.0" encoding="utf-8"?><BlockList>${Array.from({ length: n }, (_, i) => `<Latest>${id(i)}</Latest>`).join('')}</BlockList>`;
        const r = await request(`${url}?comp=blocklist&${sas}`, { method: 'PUT', body: xml, headers: { 'x-ms-version': VERSION, 'x-ms-meta-iv': 'x' }, dispatcher });
        await r.body.dump();
      }));
      results.push(await measure('SDK ranged download', total, async () => {
        await pool(PARALLEL, Array.from({ length: n }, (_, i) => async () => {
          const r = await sdkBlob.download(i * BLOCK, BLOCK);
          for await (const _c of r.readableStreamBody as NodeJS.ReadableStream) void _c;
        }));
      }));
      results.push(await measure('REST ranged download', total, async () => {
        await pool(PARALLEL, Array.from({ length: n }, (_, i) => async () => {
          const r = await request(`${url}?${sas}`, { headers: { 'x-ms-version': VERSION, range: `bytes=${i * BLOCK}-${(i + 1) * BLOCK - 1}` }, dispatcher });
          for await (const _c of r.body) void _c;
        }));
      }));
    }
    await dispatcher.close();
    for (const r of results) console.log(`${r.label.padEnd(22)} ${r.mibps.toFixed(0).padStart(5)} MiB/s  ${r.cpuMsPerGiB.toFixed(0).padStart(6)} ms CPU/GiB (client)`);
  } finally {
    az.kill();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
