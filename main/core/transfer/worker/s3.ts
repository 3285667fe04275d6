// S3 access from a worker thread: one SDK client per credential set (reusing keep-alive
// sockets across clients), and the classification of what S3 or the network throws.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import type { ErrorInfo } from '../errors';
import { classifyFsError, TransferError } from '../errors';
import type { SharedBandwidth } from '../bandwidth';
import type { SharedSlots } from '../shared-state';
import type { S3Loc } from './protocol';

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 });
const clients = new Map<string, S3Client>();
const noop = (): void => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export function s3For(loc: S3Loc): S3Client {
  const c = loc.creds;
  const id = `${c.endpoint ?? ''}|${c.region}|${c.accessKeyId}|${c.secretAccessKey.slice(0, 6)}|${c.sessionToken ?? ''}`;
  let client = clients.get(id);
  if (!client) {
    client = new S3Client({
      region: c.region || 'us-east-1',
      ...(c.endpoint ? { endpoint: c.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) },
      // Default checksums turn stream bodies into aws-chunked uploads that some S3-compatible
      // stores save verbatim (silent corruption, benchmarking-notes §1). We verify with SHA-512 instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1, // retries are the scheduler's, with backoff and credential refresh
      // Errors are classified and handled by the caller. (Without a logger of its own the SDK
      // prints "non-retryable streaming request" to the console for every failed stream upload.)
      logger: quietLogger,
      requestHandler: { httpAgent, httpsAgent, connectionTimeout: 15_000, socketTimeout: 60_000 },
    });
    // Old clients are dropped, not destroyed: destroy() would close the shared agents' sockets
    // under requests still in flight with the previous credentials.
    if (clients.size >= 8) {
      const oldest = clients.keys().next().value;
      if (oldest !== undefined) clients.delete(oldest);
    }
    clients.set(id, client);
  }
  return client;
}

export interface OpCtx {
  slot: number;
  slots: SharedSlots;
  bw: SharedBandwidth;
  signal: AbortSignal;
}

/** Chunk size for metered sending: small enough to keep a capped rate smooth. */
export function meterChunk(bw: SharedBandwidth): number {
  const rate = bw.rate();
  if (rate <= 0) return 1 << 20;
  return Math.max(16 * 1024, Math.min(256 * 1024, Math.floor(rate / 8)));
}

/** An upload body that counts progress and honours the shared bandwidth cap. */
export function meteredBody(chunks: Buffer[], ctx: OpCtx): Readable {
  const step = meterChunk(ctx.bw);
  async function* gen(): AsyncGenerator<Buffer> {
    for (const c of chunks) {
      for (let off = 0; off < c.length; off += step) {
        const piece = c.subarray(off, Math.min(c.length, off + step));
        // Cancelled while waiting for bandwidth: end quietly, the request is being torn down
        // (an error here would surface on a stream nobody listens to any more).
        if (!(await ctx.bw.take(piece.length, ctx.signal).then(() => true, () => false))) return;
        ctx.slots.addProgress(ctx.slot, piece.length);
        yield piece;
      }
    }
  }
  const body = Readable.from(gen(), { objectMode: false, highWaterMark: 1 << 20 });
  body.on('error', () => undefined); // the HTTP request reports failures; a torn-down body must not crash the worker
  return body;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const CREDENTIAL_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidToken', 'TokenRefreshRequired', 'InvalidAccessKeyId', 'RequestExpired']);
const THROTTLE_NAMES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException', 'RequestTimeTooSkewed']);

function prop(e: unknown, k: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[k] : undefined;
}

export function classifyError(e: unknown, signal: AbortSignal, path?: string): ErrorInfo {
  if (signal.aborted) return { code: 'aborted', message: 'cancelled', retryable: false };
  if (e instanceof TransferError) return e.info();
  const fsInfo = classifyFsError(e, path);
  if (fsInfo) return fsInfo;
  const name = String(prop(e, 'name') ?? prop(e, 'Code') ?? '');
  const code = String(prop(e, 'code') ?? '');
  const message = e instanceof Error ? e.message : String(e);
  const meta = prop(e, '$metadata');
  const status = typeof prop(meta, 'httpStatusCode') === 'number' ? (prop(meta, 'httpStatusCode') as number) : undefined;
  // Real S3 answers an expired session token with 400 ExpiredToken, and a HEAD error has no
  // body to name it, hence the bare 400/403 cases. A refresh is cheap and bounded (runner.ts);
  // if fresh keys are refused too, the item fails.
  if (CREDENTIAL_NAMES.has(name) || status === 403 || (status === 400 && /^(BadRequest|Unknown|400|)$/.test(name))) {
    return { code: 'credentials_expired', message: `storage refused the credentials: ${name || status} ${message}`, retryable: false, credentials: true, status };
  }
  if (status === 412 || name === 'PreconditionFailed') {
    return { code: 'remote_changed', message: 'the stored object changed during the transfer', retryable: false, status };
  }
  if (THROTTLE_NAMES.has(name) || status === 429 || (status !== undefined && status >= 500 && status !== 501)) {
    return { code: 'storage_error', message: `storage is busy or failing (${name || status}): ${message}`, retryable: true, status };
  }
  if (NETWORK_CODES.has(code) || NETWORK_CODES.has(name) || name === 'TimeoutError' || /socket hang up|premature|aborted|terminated|other side closed/i.test(message)) {
    return { code: 'network_error', message: `network error: ${code || name} ${message}`, retryable: true };
  }
  if (name === 'CorruptCiphertextError' || code === 'corrupt_object') return { code: 'corrupt_object', message, retryable: false };
  return { code: 'storage_error', message: `${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${message}`, retryable: false, status };
}
