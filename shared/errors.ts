/** Stable error codes that cross the boundary. The UI keys its wording and actions on these. */
export const errorCodes = [
  'invalid_input',
  'forbidden_sender',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'offline',
  'tls_or_proxy',
  'server_error',
  'local_file',
  'cancelled',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

// A plain type, not a zod schema: this module is loaded by `courier --help`, which must not
// pay for loading zod.
export interface RpcError {
  code: ErrorCode;
  message: string;
  /** The input field the error is about, when there is one (for messages next to form fields). */
  field?: string;
  retryAfterMs?: number;
  /** The message as a key and parameters, for UIs that say it in the person's language (renderer `errors.*`). */
  text?: ErrorText;
}

export interface ErrorText {
  key: string;
  params: Record<string, string>;
}

export type RpcResult<T> = { ok: true; value: T } | { ok: false; error: RpcError };

/**
 * The one error type services throw on purpose. Its message is written for the user:
 * what went wrong and what to do. Anything else thrown is reported as `internal`.
 */
export class CourierError extends Error {
  readonly code: ErrorCode;
  readonly field?: string;
  readonly retryAfterMs?: number;
  readonly text?: ErrorText;
  constructor(code: ErrorCode, message: string, extra: { field?: string; retryAfterMs?: number; cause?: unknown; text?: ErrorText } = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'CourierError';
    this.code = code;
    if (extra.field !== undefined) this.field = extra.field;
    if (extra.retryAfterMs !== undefined) this.retryAfterMs = extra.retryAfterMs;
    if (extra.text !== undefined) this.text = extra.text;
  }
  toRpcError(): RpcError {
    const e: RpcError = { code: this.code, message: this.message };
    if (this.field !== undefined) e.field = this.field;
    if (this.retryAfterMs !== undefined) e.retryAfterMs = this.retryAfterMs;
    if (this.text !== undefined) e.text = this.text;
    return e;
  }
}
