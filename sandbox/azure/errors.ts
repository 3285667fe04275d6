import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

const MESSAGES: Record<string, string> = {
  ServerBusy: 'The server is currently unable to receive requests. Please retry your request.',
  InternalError: 'The server encountered an internal error. Please retry the request.',
  OperationTimedOut: 'The operation could not be completed within the permitted time.',
  AuthenticationFailed: 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
  AuthorizationFailure: 'This request is not authorized to perform this operation.',
  BlobNotFound: 'The specified blob does not exist.',
  InvalidInput: 'One of the request inputs is not valid.',
};

/** The error code Azure uses for a status when a fault rule names none. */
export function defaultAzureCode(status: number): string {
  switch (status) {
    case 503:
      return 'ServerBusy';
    case 500:
      return 'InternalError';
    case 403:
      return 'AuthenticationFailed';
    case 404:
      return 'BlobNotFound';
    case 408:
      return 'OperationTimedOut';
    default:
      return 'InvalidInput';
  }
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`); // text nodes only: quotes need no escaping
}

/** Answers like the Blob service: `<Error><Code>…</Code><Message>…RequestId…Time…</Message></Error>` and `x-ms-error-code`. */
export function sendAzureError(res: ServerResponse, status: number, code: string, opts: { head?: boolean; detail?: string; retryAfter?: number } = {}): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const requestId = randomUUID();
  const message = `${MESSAGES[code] ?? 'The request failed.'}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
  const tag = code === 'AuthenticationFailed' ? 'AuthenticationErrorDetail' : 'ErrorDetail';
  const detail = opts.detail ? `<${tag}>${xmlEscape(opts.detail)}</${tag}>` : '';
  const xml = `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message>${detail}</Error>`;
  res.statusCode = status;
  res.setHeader('content-type', 'application/xml');
  res.setHeader('x-ms-error-code', code);
  res.setHeader('x-ms-request-id', requestId);
  res.setHeader('x-ms-version', '2021-12-02');
  if (opts.retryAfter !== undefined) res.setHeader('retry-after', String(opts.retryAfter));
  res.setHeader('content-length', opts.head ? 0 : Buffer.byteLength(xml));
  res.end(opts.head ? undefined : xml);
}
