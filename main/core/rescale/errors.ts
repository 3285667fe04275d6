import { CourierError } from '../../../shared/errors';
import { proxyRefusal } from '../net/dispatcher';

/**
 * The platform answered, but with something Courier will not use: larger than any real page,
 * malformed, or carrying an id that is not an id. Never retried (asking again gets the same
 * answer) and never taken for a network problem. `endpoint` is "METHOD /path/".
 */
export class UnusableAnswerError extends CourierError {
  constructor(
    message: string,
    readonly endpoint: string,
  ) {
    super('server_error', message);
    this.name = 'UnusableAnswerError';
  }
}

/** Error codes of undici / Node for "the network did not get us there". */
const offlineCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
const tlsCodes = /^(CERT_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|ERR_TLS|ERR_SSL|HOSTNAME_MISMATCH|ERR_OSSL)/;

function codeOf(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A 407, whether the proxy answered a plain request or refused a tunnel. */
const PROXY_AUTH = 'The proxy asked for a user name and password, or refused the ones given. Set them in Settings → Network.';

/** A failure before any response arrived. `sent` = the request may have reached the server. */
export function classifyNetworkError(e: unknown, host: string, via?: string | null): CourierError {
  const refused = proxyRefusal(e);
  if (refused === 407) return new CourierError('tls_or_proxy', PROXY_AUTH, { cause: e });
  if (refused !== null)
    return new CourierError('tls_or_proxy', `The proxy could not connect to ${host} (HTTP ${refused}). Check the proxy address in Settings → Network.`, {
      cause: e,
    });
  if ((e as { name?: string }).name === 'AbortError') return new CourierError('cancelled', 'Cancelled.', { cause: e });
  const code = codeOf(e) ?? 'UNKNOWN';
  if (tlsCodes.test(code)) {
    return new CourierError(
      'tls_or_proxy',
      `The secure connection to ${host} failed (${code}). If you are behind a company proxy or inspection, set the proxy or a custom CA bundle in Settings.`,
      { cause: e },
    );
  }
  // What happens next depends on the caller (a queued job waits, a CLI upload does not), so it says so itself.
  if (offlineCodes.has(code) || code === 'UNKNOWN') {
    const check = via ? 'Check the proxy (Settings → Network, or HTTP(S)_PROXY), then your network or VPN' : 'Check your network or VPN';
    return new CourierError('offline', `Cannot reach ${host}${via ? ` through the proxy ${via}` : ''} (${code}). ${check}.`, { cause: e });
  }
  return new CourierError('offline', `The connection to ${host} failed (${code}). Check your network, VPN or proxy settings.`, { cause: e });
}

/** DRF bodies: {"detail": "..."} or field errors {"name": ["..."]}, possibly nested. */
export function describeDrfBody(body: unknown): { message?: string; field?: string } {
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  if (typeof b.detail === 'string') return { message: b.detail };
  for (const [field, value] of Object.entries(b)) {
    const first = firstMessage(value);
    if (first) return { message: `${first.path ? `${field}${first.path}` : field}: ${first.text}`, field: field + first.path };
  }
  return {};
}

function firstMessage(v: unknown, path = ''): { text: string; path: string } | undefined {
  if (typeof v === 'string') return { text: v, path };
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const m = firstMessage(v[i], typeof v[i] === 'string' ? path : `${path}[${i}]`);
      if (m) return m;
    }
  } else if (v && typeof v === 'object') {
    for (const [k, inner] of Object.entries(v)) {
      const m = firstMessage(inner, `${path}.${k}`);
      if (m) return m;
    }
  }
  return undefined;
}

/** An HTTP error status turned into something a person can act on. */
export function classifyHttpError(status: number, body: unknown, ctx: { host: string; what: string; retryAfterMs?: number }): CourierError {
  const drf = describeDrfBody(body);
  const detail = drf.message ? ` (${drf.message})` : '';
  switch (status) {
    case 401:
      return new CourierError(
        'unauthorized',
        `${ctx.host} did not accept the API key${detail}. It may have been revoked, or belong to another platform: check the key and the platform address.`,
        { text: { key: 'httpUnauthorized', params: { host: ctx.host } } },
      );
    case 403:
      return new CourierError('forbidden', `Your Rescale account is not allowed to ${ctx.what}${detail}. Ask your workspace administrator.`, {
        text: { key: 'httpForbidden', params: {} },
      });
    case 404:
      return new CourierError(
        'not_found',
        `Could not ${ctx.what}: not found on ${ctx.host}${detail}. Check the id, and that it belongs to this account and platform.`,
        { text: { key: 'httpNotFound', params: { host: ctx.host } } },
      );
    case 429: {
      const secs = Math.ceil((ctx.retryAfterMs ?? 1000) / 1000);
      return new CourierError(
        'rate_limited',
        `Rescale asked us to slow down; retrying in ${secs} s.`,
        ctx.retryAfterMs !== undefined ? { retryAfterMs: ctx.retryAfterMs } : {},
      );
    }
    case 407:
      return new CourierError('tls_or_proxy', PROXY_AUTH);
    case 400:
    case 409:
    case 422:
      return new CourierError(
        'invalid_input',
        drf.message ? `Rescale refused to ${ctx.what}: ${drf.message}` : `Rescale refused to ${ctx.what} (HTTP ${status}).`,
        drf.field ? { field: drf.field } : {},
      );
    default:
      if (status >= 500)
        return new CourierError(
          'server_error',
          `Rescale had a problem (HTTP ${status}) while trying to ${ctx.what}. Courier retries reads on its own; try again in a few minutes if it persists.`,
        );
      return new CourierError('server_error', `Unexpected answer from ${ctx.host} (HTTP ${status}) while trying to ${ctx.what}${detail}.`);
  }
}

/** Retry-After as delta-seconds or an HTTP date, in ms from now. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
