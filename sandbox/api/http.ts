import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Json } from '../util/json';

/** What an API handler produces; the server writes it (or replaces it, for injected faults). */
export interface ApiResult {
  status: number;
  json?: Json;
  /** Raw body (HTML error pages, decrypted file contents); `stream` wins over it. */
  text?: string;
  stream?: Readable;
  headers?: Record<string, string | number>;
}

export const json = (status: number, body: Json, headers?: Record<string, string | number>): ApiResult => ({
  status,
  json: body,
  ...(headers ? { headers } : {}),
});

/** DRF's `{"detail": …}` error shape. */
export const detail = (status: number, message: string, headers?: Record<string, string | number>): ApiResult => json(status, { detail: message }, headers);

export const notFound = (): ApiResult => detail(404, 'Not found.');

/** Django's own 404 page for URLs no view matches (e.g. a missing trailing slash). */
export const djangoNotFound = (): ApiResult => ({
  status: 404,
  text: '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
  headers: { 'content-type': 'text/html; charset=utf-8' },
});

/** Django's plain 500 page, which is what the platform answers for some malformed bodies. */
export const serverError = (): ApiResult => ({
  status: 500,
  text: '<h1>Server Error (500)</h1>',
  headers: { 'content-type': 'text/html; charset=utf-8' },
});

/** Raised inside handlers to answer with a DRF error. */
export class ApiError extends Error {
  constructor(readonly result: ApiResult) {
    super(`api error ${result.status}`);
  }
}

export const fieldError = (errors: Json): ApiError => new ApiError(json(400, errors));
export const badRequest = (message: string): ApiError => new ApiError(detail(400, message));

export async function readText(body: Readable, limit = 8 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    const buf = c as Buffer;
    n += buf.length;
    if (n > limit) throw new ApiError(detail(413, 'Request body too large.'));
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON body as DRF's JSONParser reads it (empty body → {}). */
export async function readJson(body: Readable, contentType: string | undefined): Promise<unknown> {
  const text = await readText(body);
  if (text.trim() === '') return {};
  if (contentType && !/json/i.test(contentType) && !/x-www-form-urlencoded/i.test(contentType)) {
    throw new ApiError(detail(415, `Unsupported media type "${contentType}" in request.`));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError(detail(400, `JSON parse error - ${(err as Error).message}`));
  }
}

export async function writeResult(res: ServerResponse, result: ApiResult, req: IncomingMessage): Promise<void> {
  res.statusCode = result.status;
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  const head = req.method === 'HEAD';
  if (result.stream) {
    if (head) {
      result.stream.destroy();
      res.end();
      return;
    }
    await pipeline(result.stream, res).catch(() => res.destroy());
    return;
  }
  let body = '';
  if (result.json !== undefined) {
    body = JSON.stringify(result.json);
    if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  } else if (result.text !== undefined) {
    body = result.text;
  }
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(head ? undefined : body);
}
