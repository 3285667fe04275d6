// Raw crypto throughput: the pool's upload path (read 16 MiB parts, chain-encrypt) against
// `openssl enc -aes-256-cbc` on the same (page-cached) file.
import { stat } from 'node:fs/promises';
import { TransferPool } from '../../main/core/transfer/pool';
import { run } from './procs';
import type { CryptoResult } from './report';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function cryptoBench(path: string): Promise<CryptoResult> {
  const bytes = (await stat(path)).size;
  const mib = bytes / 1048576;
  const ossl: number[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await run('openssl', ['enc', '-aes-256-cbc', '-K', '11'.repeat(32), '-iv', '22'.repeat(16), '-in', path, '-out', '/dev/null']);
    if (r.code !== 0) throw new Error(`openssl failed: ${r.stderr}`);
    ossl.push(mib / r.seconds);
  }
  const pool = new TransferPool({});
  try {
    await pool.warm();
    const one: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await pool.run<'cryptoBench'>({ op: 'cryptoBench', bytes, chunk: 16 << 20, path });
      if (!r.ok) throw new Error(r.error.message);
      one.push(mib / r.value.seconds);
    }
    const all = await Promise.all(Array.from({ length: pool.threads }, () => pool.run<'cryptoBench'>({ op: 'cryptoBench', bytes, chunk: 16 << 20, path })));
    const aggregate = all.reduce((a, r) => a + (r.ok ? mib / r.value.seconds : 0), 0);
    const opensslMiBs = median(ossl);
    const perWorker = median(one);
    return { bytes, opensslMiBs, poolPerWorkerMiBs: perWorker, poolWorkers: pool.threads, poolAggregateMiBs: aggregate, ratioPerCore: perWorker / opensslMiBs };
  } finally {
    await pool.close();
  }
}
