// Shared set-up for transfer integration tests: a sandbox (real HTTP, real S3 objects on
// disk), the HTTP storage adapter, a temp work dir, file helpers, and service factories.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../sandbox';
import { createTransferService, type TransferService, type TransferServiceOptions } from '../../main/core/transfer/service';
import { createAesGcmSealer } from '../../main/core/transfer/sealer';
import { SandboxStorage } from './sandbox-storage';

export interface TransferEnv {
  sb: RunningSandbox;
  storage: SandboxStorage;
  dir: string;
  sealerKey: Buffer;
  journalPath: string;
  service(extra?: Partial<TransferServiceOptions>): Promise<TransferService>;
  close(): Promise<void>;
}

export async function transferEnv(opts: SandboxOptions = {}): Promise<TransferEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'courier-xfer-'));
  const sb = await startSandbox({ faults: true, dataDir: join(dir, 'sandbox'), ...opts });
  const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, azureBlobEndpoint: sb.azureBlobEndpoint });
  const sealerKey = randomBytes(32);
  const journalPath = join(dir, 'state', 'transfers.db');
  const services: TransferService[] = [];
  return {
    sb,
    storage,
    dir,
    sealerKey,
    journalPath,
    async service(extra = {}) {
      const s = await createTransferService({
        storage,
        journalPath,
        sealer: createAesGcmSealer(sealerKey),
        workerCount: 2,
        retry: { baseMs: 50, capMs: 1000 },
        ...extra,
      });
      services.push(s);
      return s;
    },
    async close() {
      for (const s of services) await s.close().catch(() => undefined);
      await sb.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Pseudo-random file contents, fast to make (a random 1 MiB block, varied per MiB). */
export function content(size: number, seed = randomBytes(8)): Buffer {
  const block = randomBytes(Math.min(size, 1 << 20));
  const out = Buffer.allocUnsafe(size);
  for (let off = 0, i = 0; off < size; off += block.length, i++) {
    block.copy(out, off);
    if (off + 12 <= size) {
      out.writeUInt32LE(i, off); // every MiB differs
      seed.copy(out, off + 4);
    }
  }
  return out;
}

export async function makeFile(path: string, size: number): Promise<Buffer> {
  const data = content(size);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return data;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

/** Resolves with the first progress item (of `id`) that satisfies `pred`. */
export function progressWhere(
  svc: TransferService,
  id: string,
  pred: (v: import('../../main/core/transfer/types').TransferView) => boolean,
): Promise<import('../../main/core/transfer/types').TransferView> {
  return new Promise((resolve) => {
    const now = svc.list().items.find((v) => v.id === id);
    if (now && pred(now)) {
      resolve(now);
      return;
    }
    const off = svc.onProgress((b) => {
      const v = b.items.find((x) => x.id === id);
      if (v && pred(v)) {
        off();
        resolve(v);
      }
    });
  });
}
