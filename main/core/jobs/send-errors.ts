// How the outbox reads a failed create/submit. The question is never "retry?" but "could the
// platform have acted?": a refused connection means the request never left; a reset, a timeout
// or a 5xx mean it may have, so we look before trying again.
import { CourierError } from '../../../shared/errors';

export type SendVerdict =
  /** The request never reached the platform: safe to send again as is. */
  | 'not_sent'
  /** It may have been acted on (lost response): look it up before sending again. */
  | 'unclear'
  /** The platform said no: a person has to change something. */
  | 'refused'
  | 'cancelled';

/** Connection-stage errors: nothing was written to the socket. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causeCodes(e: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = e;
  for (let i = 0; i < 6 && cur && typeof cur === 'object'; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string') out.push(c);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

export function verdictOf(e: unknown): SendVerdict {
  if (e instanceof CourierError) {
    switch (e.code) {
      case 'cancelled':
        return 'cancelled';
      case 'rate_limited':
        return 'not_sent'; // a 429 means the platform did not act
      case 'tls_or_proxy':
        return 'not_sent';
      case 'offline':
        return causeCodes(e).some((c) => NOT_SENT_CODES.has(c)) ? 'not_sent' : 'unclear';
      case 'invalid_input':
      case 'forbidden':
      case 'not_found':
      case 'conflict':
      case 'unauthorized':
        return 'refused';
      case 'server_error': // 5xx: the platform may have acted before it failed
      case 'internal':
      case 'unavailable':
      case 'local_file':
      case 'forbidden_sender':
        return 'unclear';
    }
  }
  if ((e as { name?: string })?.name === 'AbortError') return 'cancelled';
  return causeCodes(e).some((c) => NOT_SENT_CODES.has(c)) ? 'not_sent' : 'unclear';
}

/** Failed upload codes a retry cannot fix (the local file is the problem). */
export const PERMANENT_UPLOAD_ERRORS = new Set(['not_found', 'permission_denied', 'not_a_file', 'path_too_long', 'invalid_name', 'file_changed']);

export function errorInfo(e: unknown): { code: string; message: string } {
  if (e instanceof CourierError) return { code: e.code, message: e.message };
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}
