// The real RescaleStorageAdapter (main/core/rescale) over a sandbox, for the transfer tests and
// the benchmark: the same API client, models and credential handling the app uses. No rate
// limiter (the sandbox enforces limits only when a test turns them on), plus one test-only
// read: the platform-side decrypted contents of a file.
import { request, Agent } from 'undici';
import { resolvePlatform } from '../../main/core/platforms';
import { RescaleApi } from '../../main/core/rescale/api';
import type { RateLimiter } from '../../main/core/rescale/rate-limiter';
import { RescaleStorageAdapter } from '../../main/core/rescale/storage';

export interface SandboxStorageOptions {
  apiUrl: string;
  token: string;
  /** S3 endpoint the credentials are used against (the sandbox's). */
  s3Endpoint: string;
  /** Azure-storage sandboxes: the blob endpoint (the sandbox platform passes it as LocalSandbox does). */
  azureBlobEndpoint?: string | null;
  /** The app's client-side limiter (tests of the platform's pace); default: none. */
  limiter?: RateLimiter;
}

const unlimited = { acquire: async (): Promise<void> => undefined, block: async (): Promise<void> => undefined };

export class SandboxStorage extends RescaleStorageAdapter {
  constructor(private readonly o: SandboxStorageOptions) {
    super(
      new RescaleApi({
        baseUrl: o.apiUrl,
        apiKey: o.token,
        dispatcher: new Agent({ connections: 32, keepAliveTimeout: 30_000 }),
        limiter: o.limiter ?? unlimited,
        backoff: { baseMs: 50, capMs: 1000 },
      }),
      resolvePlatform({
        kind: 'sandbox',
        apiUrl: o.apiUrl,
        s3Endpoint: o.s3Endpoint,
        ...(o.azureBlobEndpoint ? { azureBlobEndpoint: o.azureBlobEndpoint } : {}),
      }),
    );
  }

  /** Server-side decrypted bytes (GET /api/v2/files/{id}/contents/): proves the platform can read our upload. */
  async contents(id: string): Promise<Buffer> {
    const res = await request(`${this.o.apiUrl.replace(/\/$/, '')}/api/v2/files/${encodeURIComponent(id)}/contents/`, {
      headers: { Authorization: `Token ${this.o.token}` },
    });
    if (res.statusCode !== 200) throw new Error(`contents ${id} → HTTP ${res.statusCode}: ${await res.body.text()}`);
    return Buffer.from(await res.body.arrayBuffer());
  }
}
