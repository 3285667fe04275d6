// What the worker's S3 operations share: their context, metered upload bodies, and the
// classification of what S3 or the network throws.
import { Readable } from 'node:stream';
import { proxyRefusal } from '../../net/dispatcher';
import type { ErrorInfo } from '../errors';
import { classifyFsError, TransferError } from '../errors';
import type { SharedBandwidth } from '../bandwidth';
import type { SharedSlots } from '../shared-state';

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

/**
 * An upload body that counts progress and honours the shared bandwidth cap. Without a cap, a
 * body of one step (a small file) goes as one Buffer: a stream costs ~230 µs more CPU per
 * request (measured, warm), which is a third of the client's work for a small file.
 */
export function meteredBody(chunks: Buffer[], ctx: OpCtx): Readable | Buffer {
  const step = meterChunk(ctx.bw);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  if (ctx.bw.rate() <= 0 && total <= step) {
    ctx.slots.addProgress(ctx.slot, total);
    return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total);
  }
  async function* gen(): AsyncGenerator<Buffer> {
    for (const c of chunks) {
      for (let off = 0; off < c.length; off += step) {
        const piece = c.subarray(off, Math.min(c.length, off + step));
        // Cancelled while waiting for bandwidth: end quietly, the request is being torn down
        // (an error here would surface on a stream nobody listens to any more).
        if (
          !(await ctx.bw.take(piece.length, ctx.signal).then(
            () => true,
            () => false,
          ))
        )
          return;
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
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
// Azure: AuthenticationFailed is an expired (or revoked) SAS.
const CREDENTIAL_NAMES = new Set([
  'AuthenticationFailed',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidAccessKeyId',
  'RequestExpired',
]);
const THROTTLE_NAMES = new Set([
  'ServerBusy',
  'OperationTimedOut',
  'SlowDown',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'RequestTimeTooSkewed',
]);

function prop(e: unknown, k: string): unknown {
  return typeof e === 'object' && e !== null ? (e as Record<string, unknown>)[k] : undefined;
}

/** The HTTP status S3 answered with (S3HttpError's `$metadata`), if the error came from a response. */
export function httpStatusOf(e: unknown): number | undefined {
  const status = prop(prop(e, '$metadata'), 'httpStatusCode');
  return typeof status === 'number' ? status : undefined;
}

export function classifyError(e: unknown, signal: AbortSignal, path?: string): ErrorInfo {
  if (signal.aborted) return { code: 'aborted', message: 'cancelled', retryable: false };
  if (e instanceof TransferError) return e.info();
  const fsInfo = classifyFsError(e, path);
  if (fsInfo) return fsInfo;
  const name = String(prop(e, 'name') ?? prop(e, 'Code') ?? '');
  const code = String(prop(e, 'code') ?? '');
  const message = e instanceof Error ? e.message : String(e);
  const status = httpStatusOf(e);
  // Real S3 answers an expired session token with 400 ExpiredToken, and a HEAD error has no
  // body to name it, hence the bare 400/403 cases. A refresh is cheap and bounded (runner.ts);
  // if fresh keys are refused too, the item fails.
  if (CREDENTIAL_NAMES.has(name) || status === 403 || (status === 400 && /^(BadRequest|Unknown|400|)$/.test(name))) {
    return {
      code: 'credentials_expired',
      message: `storage refused the credentials: ${name || status} ${message}`,
      retryable: false,
      credentials: true,
      status,
    };
  }
  const proxyStatus = proxyRefusal(e);
  if (proxyStatus !== null) {
    const why = proxyStatus === 407 ? 'it needs a user name and password, or they are wrong' : 'it could not reach the storage';
    return {
      code: 'network_error',
      message: `The proxy refused the connection to storage (HTTP ${proxyStatus}: ${why}). Check Settings → Network. (${message})`,
      retryable: proxyStatus !== 407,
    };
  }
  if (status === 412 || name === 'PreconditionFailed') {
    return { code: 'remote_changed', message: 'the stored object changed during the transfer', retryable: false, status };
  }
  if (THROTTLE_NAMES.has(name) || status === 429 || (status !== undefined && status >= 500 && status !== 501)) {
    return { code: 'storage_error', message: `storage is busy or failing (${name || status}): ${message}`, retryable: true, status };
  }
  if (
    NETWORK_CODES.has(code) ||
    NETWORK_CODES.has(name) ||
    name === 'TimeoutError' ||
    // Words of a broken connection, only where no answer came: S3's own error texts use them too
    // (NoSuchUpload: "…may have been aborted or completed").
    (status === undefined && /socket hang up|premature|aborted|terminated|other side closed/i.test(message))
  ) {
    return { code: 'network_error', message: `network error: ${code || name} ${message}`, retryable: true };
  }
  if (name === 'CorruptCiphertextError' || code === 'corrupt_object') return { code: 'corrupt_object', message, retryable: false };
  if (name === 'NoSuchKey' || name === 'BlobNotFound' || name === 'ContainerNotFound') {
    return { code: 'not_found', message: `the stored object is missing from storage (${name}): ${message}`, retryable: false, status };
  }
  return { code: 'storage_error', message: `${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${message}`, retryable: false, status };
}
