// Raw crypto throughput: the pool's upload path (read 16 MiB parts, chain-encrypt) against
// `openssl enc -aes-256-cbc` on the same (page-cached) file.
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { TransferPool } from '../../main/core/transfer/pool';
import { run } from './procs';
import type { CryptoResult } from './report';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * openssl and the pool take turns (five rounds), so a burst of load from elsewhere on this shared
 * machine hits both alike; the medians are compared (three openssl runs followed by three pool
 * runs gave 57 % to 107 % in consecutive invocations).
 */
export async function cryptoBench(path: string, rounds = 5): Promise<CryptoResult> {
  const bytes = (await stat(path)).size;
  const mib = bytes / 1048576;
  const ossl: number[] = [];
  const one: number[] = [];
  // One worker per core (the app's default leaves one core free), so the aggregate row shows scaling.
  const pool = new TransferPool({ workerCount: Math.max(2, availableParallelism()) });
  try {
    await pool.warm();
    for (let i = 0; i < rounds; i++) {
      const o = await run('openssl', ['enc', '-aes-256-cbc', '-K', '11'.repeat(32), '-iv', '22'.repeat(16), '-in', path, '-out', '/dev/null']);
      if (o.code !== 0) throw new Error(`openssl failed: ${o.stderr}`);
      ossl.push(mib / o.seconds);
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
