// The process's last line of defence: what happens to an error no handler caught. Plain Node,
// so the web host, the CLI and the Electron shell can all install the same policy.
import { redact } from './secrets/redact';

export type LastResortLevel = 'warn' | 'error';

export interface LastResortOptions {
  /** Where a line goes (the activity log and stderr); messages are redacted before this. */
  log(level: LastResortLevel, message: string, detail?: string): void;
  /** Called after an error that leaves the process in an unknown state. */
  exit(code: number): void;
  /** The emitter to watch (tests pass their own); the real process otherwise. */
  target?: NodeJS.EventEmitter;
  /** At most this many kept-serving lines a minute, so a hostile client cannot flood the log. */
  logsPerMinute?: number;
}

// Errors that belong to one connection, request or socket: the peer hung up, sent bytes that do
// not parse, or a stream was torn down mid-way. The rest of the process is untouched by them.
const connectionCodes = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_HTTP_HEADERS_SENT',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_URL',
  'ERR_INVALID_URI',
]);

/** True for an error attributable to one connection (safe to log and keep serving). */
export function isConnectionScoped(e: unknown): boolean {
  if (e instanceof URIError) return true; // a bad %-escape in a request path
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return false;
  return connectionCodes.has(code) || code.startsWith('WS_ERR_') || code.startsWith('HPE_');
}

function describe(e: unknown): { message: string; stack?: string } {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return { message: redact(`${e.name}${code ? ` (${code})` : ''}: ${e.message}`), ...(e.stack ? { stack: redact(e.stack) } : {}) };
  }
  return { message: redact(`non-error value thrown: ${String(e)}`) };
}

/**
 * Installs the policy and returns its removal:
 * - a connection-scoped error (thrown or rejected) is logged as a warning and the process keeps
 *   serving: it tore down one request, nothing shared;
 * - any other unhandled rejection is logged as an error and the process keeps serving: a
 *   rejection unwinds no synchronous code, so no shared state was left half-updated, and
 *   stopping would also stop the user's transfers and outbox;
 * - any other uncaught exception is logged and the process exits: a throw may have unwound code
 *   halfway through changing shared state. The journal and the outbox are durable, so the next
 *   start resumes every transfer and sends every queued submission exactly once.
 */
export function installLastResort(opts: LastResortOptions): () => void {
  const target = opts.target ?? process;
  const budget = opts.logsPerMinute ?? 20;
  let windowStart = 0;
  let logged = 0;
  let dropped = 0;
  const keepServing = (level: LastResortLevel, what: string, e: unknown) => {
    const now = Date.now();
    if (now - windowStart > 60_000) {
      if (dropped > 0) opts.log('warn', `Courier left ${dropped} similar errors out of the log in the last minute.`);
      windowStart = now;
      logged = 0;
      dropped = 0;
    }
    if (logged >= budget) return void dropped++;
    logged++;
    const d = describe(e);
    opts.log(level, `Courier kept running after ${what}: ${d.message}`, d.stack);
  };
  const onException = (e: unknown) => {
    if (isConnectionScoped(e)) return keepServing('warn', 'a connection error', e);
    const d = describe(e);
    opts.log(
      'error',
      `Courier stopped after an unexpected error: ${d.message}. Unfinished transfers and queued job submissions resume when it starts again.`,
      d.stack,
    );
    opts.exit(70); // EX_SOFTWARE
  };
  const onRejection = (e: unknown) =>
    keepServing(isConnectionScoped(e) ? 'warn' : 'error', isConnectionScoped(e) ? 'a connection error' : 'an unhandled failure', e);
  target.on('uncaughtException', onException);
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('uncaughtException', onException);
    target.off('unhandledRejection', onRejection);
  };
}
