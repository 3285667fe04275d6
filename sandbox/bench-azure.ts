/**
 * Blob throughput of the Azure sandbox: Azurite's own ceiling, and what the fault proxy in
 * front of it costs. The sandbox runs as its own process (`sandbox/main.ts --storage azure`);
 * this process holds the data in memory and stages blocks in parallel (Put Block + Put Block
 * List), then reads them back with parallel ranged Get Blob — once through the proxy
 * (`azureBlobEndpoint`, what clients use) and once straight to Azurite, with the same SAS.
 *
 *   npx tsx sandbox/bench-azure.ts [--size-mib 512] [--block-mib 8] [--concurrency 4]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MiB = 1 << 20;
const size = arg('size-mib', 512) * MiB;
const block = arg('block-mib', 8) * MiB;
const conc = arg('concurrency', 4);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(url: string, method: string, body?: Buffer, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: { 'x-ms-version': '2021-12-02', ...(body ? { 'content-length': String(body.length) } : {}), ...headers } },
      (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => ((res.statusCode ?? 500) < 300 ? resolve(n) : reject(new Error(`${method} HTTP ${res.statusCode}`))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function pool(n: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(conc, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

async function run(label: string, blobUrl: string, sas: string, data: Buffer): Promise<void> {
  const ids = Array.from({ length: Math.ceil(size / block) }, (_, i) => Buffer.from(`b${String(i).padStart(6, '0')}`).toString('base64'));
  let t0 = performance.now();
  await pool(ids.length, (i) =>
    call(`${blobUrl}?comp=block&blockid=${encodeURIComponent(ids[i]!)}&${sas}`, 'PUT', data.subarray(i * block, Math.min(size, (i + 1) * block))),
  );
  await call(
    `${blobUrl}?comp=blocklist&${sas}`,
    'PUT',
    Buffer.from(`<?xml version="1.0" encoding="utf-8"?><BlockList>${ids.map((id) => `<Latest>${id}</Latest>`).join('')}</BlockList>`),
  );
  const up = size / MiB / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  await pool(ids.length, (i) => call(`${blobUrl}?${sas}`, 'GET', undefined, { range: `bytes=${i * block}-${Math.min(size, (i + 1) * block) - 1}` }));
  const down = size / MiB / ((performance.now() - t0) / 1000);
  console.log(`${label.padEnd(17)} upload ${up.toFixed(0)} MiB/s   ranged download ${down.toFixed(0)} MiB/s`);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-azure-'));
const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts'), '--storage', 'azure', '--data', dataDir], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
try {
  let out = '';
  for await (const c of child.stdout) {
    out += String(c);
    if (out.includes('\n')) break;
  }
  const sb = JSON.parse(out.split('\n')[0]!) as {
    apiUrl: string;
    token: string;
    bucket: string;
    azureBlobEndpoint: string;
    azureAdmin: { directEndpoint: string };
  };
  const cred = (await (await fetch(`${sb.apiUrl}/api/v3/credentials/`, { method: 'POST', headers: { authorization: `Token ${sb.token}` } })).json()) as {
    sasToken: string;
    storageDir: string;
  };
  const data = randomBytes(size);
  console.log(`${size / MiB} MiB in ${block / MiB} MiB blocks, ${conc} in parallel; load ${os.loadavg()[0]!.toFixed(1)}`);
  const runs = [
    ['direct', sb.azureAdmin.directEndpoint],
    ['proxy', sb.azureBlobEndpoint],
    ['direct', sb.azureAdmin.directEndpoint],
    ['proxy', sb.azureBlobEndpoint],
  ] as const;
  for (const [i, [label, endpoint]] of runs.entries()) {
    await run(
      i === 0 ? `${label} (warm-up)` : label,
      `${endpoint}/${sb.bucket}/${cred.storageDir}/bench-${label}-${randomBytes(4).toString('hex')}.bin`,
      cred.sasToken,
      data,
    );
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
