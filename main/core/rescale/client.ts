import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { z } from 'zod';
import { CourierError } from '../../../shared/errors';
import type { Connectivity } from '../net/connectivity';
import { registerSecret } from '../secrets/redact';
import { classifyHttpError, classifyNetworkError, parseRetryAfter, UnusableAnswerError } from './errors';
import { describeIssue, newTally, parseItems, skippedMessage, type SkipTally } from './lists';
import { listPage } from './models';
import type { RateLimiter } from './rate-limiter';
import { scopeOf } from './scopes';

export type RetryPolicy =
  /** GETs and other requests safe to repeat: retried on network errors, 5xx and 429. */
  | 'read'
  /** Job create/submit: retried only on 429 (the server did not act); anything unclear is left to the caller. */
  | 'never';

export interface CallOptions<S extends z.ZodType> {
  schema: S;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  retry?: RetryPolicy;
  /** For messages: "list your files", "submit job X". */
  what: string;
  signal?: AbortSignal;
  /** A success answer that is not JSON reaches the schema as `{ text }` (live log tails are plain text). */
  text?: boolean;
}

export interface PaginateOptions<S extends z.ZodType> {
  what: string;
  pageSize?: number;
  query?: CallOptions<S>['query'];
  signal?: AbortSignal;
  skipped?: SkipTally;
  /** Reads a list that changed while it was read again from its start (see `pages`). */
  relist?: RelistOptions<z.output<S>>;
}

/**
 * The platform pages lists by page number. A list that changes while it is read shifts under
 * its pages: an entry deleted from page 1 after page 1 was read moves the first entry of page 2
 * onto page 1, and no page ever carries it (a file left out of a folder download). Every page
 * carries the list's `count`: when it differs between pages, the list is read again from the
 * start, up to `passes` more times, and entries already given (by `key`) are not given again.
 */
export interface RelistOptions<T> {
  passes: number;
  key: (item: T) => string;
}

export interface RescaleClientOptions {
  baseUrl: string;
  apiKey: string;
  dispatcher: Dispatcher;
  /** The proxy the dispatcher goes through (no credentials), named in "cannot reach" errors. */
  via?: string | null;
  limiter: RateLimiter;
  connectivity?: Connectivity;
  userAgent?: string;
  maxAttempts?: number;
  maxPages?: number;
  /** Backoff base and cap, ms (tests shorten them). */
  backoff?: { baseMs: number; capMs: number };
  /** Largest answer body read, bytes (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Told when a list had records left out (see lists.ts); the same loss is told once per client. */
  onSkipped?: (message: string, tally: SkipTally) => void;
}

/**
 * 64 MiB. The largest real answers are pages of 1000 records (page_size=1000: job outputs,
 * folder listings, the catalog). A full file record with storage, key and SHA-512 is ~1.5 KB,
 * so such a page is ~2 MB. The software catalog is the heaviest: the published Abaqus entry is
 * 4.6 KB for 4 versions × 12 allowed core types; a current entry with ~30 versions × ~60 core
 * types is ~40 KB, so ~700 entries come to ~30 MB. 64 MiB is twice that, and still stops a
 * broken or hostile server from making us buffer hundreds of MB per request.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Drops a body we will not read (its connection goes with it); the abort it reports is expected. */
function drop(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads a body up to `cap` bytes; null (and the connection dropped) once it is larger. */
async function readCapped(body: Dispatcher.ResponseData['body'], declaredLength: string | string[] | undefined, cap: number): Promise<string | null> {
  const declared = Number(Array.isArray(declaredLength) ? declaredLength[0] : declaredLength);
  if (declared > cap) {
    drop(body);
    return null;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > cap) {
      drop(body);
      return null;
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;

/** Full-jitter exponential backoff: random(0, min(cap, base·2^n)). */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** attempt));
}

/** JWT-shaped keys (per-job session tokens) use Bearer; API keys use Token. */
export function authHeader(key: string): string {
  const parts = key.split('.');
  return parts.length === 3 && parts[0]!.startsWith('ey') ? `Bearer ${key}` : `Token ${key}`;
}

/**
 * The one HTTP client for the Rescale API: keep-alive pool, the shared rate limiter per
 * scope, classified errors, retries for reads only, same-origin pagination.
 */
export class RescaleHttp {
  readonly origin: string;
  readonly host: string;
  private readonly auth: string;

  constructor(private readonly o: RescaleClientOptions) {
    const u = new URL(o.baseUrl);
    this.origin = u.origin;
    this.host = u.host;
    this.auth = authHeader(o.apiKey);
    registerSecret(o.apiKey);
  }

  /** Requests a second the limiter lets through in the scope of `method path`; null: no limit. */
  pace(method: string, path: string): number | null {
    return this.o.limiter.pace?.(scopeOf(method, path)) ?? null;
  }

  private url(path: string, query?: CallOptions<z.ZodType>['query']): URL {
    const u = new URL(path, this.origin);
    if (u.origin !== this.origin) throw new CourierError('internal', 'Refused to send the API key to another host.');
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u;
  }

  async call<S extends z.ZodType>(method: string, path: string, opts: CallOptions<S>): Promise<z.output<S>> {
    const url = this.url(path, opts.query);
    return this.callUrl(method, url, opts);
  }

  private async callUrl<S extends z.ZodType>(method: string, url: URL, opts: CallOptions<S>): Promise<z.output<S>> {
    const scope = scopeOf(method, url.pathname);
    const endpoint = `${method} ${url.pathname}`;
    const policy = opts.retry ?? (method === 'GET' ? 'read' : 'never');
    const maxAttempts = this.o.maxAttempts ?? 6;
    const { baseMs, capMs } = this.o.backoff ?? { baseMs: 500, capMs: 30_000 };
    for (let attempt = 0; ; attempt++) {
      await this.o.limiter.acquire(scope, opts.signal);
      let status: number;
      let headers: Record<string, string | string[] | undefined>;
      let text: string | null;
      try {
        const res = await request(url, {
          method: method as Dispatcher.HttpMethod,
          dispatcher: this.o.dispatcher,
          headers: {
            authorization: this.auth,
            accept: 'application/json',
            'content-type': 'application/json',
            'user-agent': this.o.userAgent ?? 'Courier',
          },
          body: opts.body === undefined ? (method === 'GET' || method === 'DELETE' ? undefined : '') : JSON.stringify(opts.body),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
        status = res.statusCode;
        headers = res.headers;
        text = await readCapped(res.body, res.headers['content-length'], this.o.maxBodyBytes ?? MAX_BODY_BYTES);
      } catch (e) {
        const err = classifyNetworkError(e, this.host, this.o.via);
        if (err.code === 'cancelled') throw err;
        this.o.connectivity?.report(false, err.message);
        if (policy === 'read' && attempt + 1 < maxAttempts) {
          await sleep(backoffDelay(attempt, baseMs, capMs), undefined, opts.signal ? { signal: opts.signal } : undefined);
          continue;
        }
        throw err;
      }
      if (text === null) {
        const cap = this.o.maxBodyBytes ?? MAX_BODY_BYTES;
        throw new UnusableAnswerError(
          `Rescale's answer to ${endpoint} (${opts.what}) is larger than ${mib(cap)}, far beyond any real answer, so Courier stopped reading it. This is not a network problem and retrying will not help; if it persists, contact Rescale support.`,
          endpoint,
        );
      }
      this.o.connectivity?.report(true);
      const plain = opts.text === true && status < 300 && !String(headers['content-type'] ?? '').includes('json');
      const body = plain ? { text } : parseJson(text);
      if (status === 429) {
        const wait = parseRetryAfter(headers['retry-after']) ?? backoffDelay(attempt, 1000, capMs) + 1000;
        await this.o.limiter.block(scope, Date.now() + wait);
        // 429 means the server did not act, so even a job submit may be repeated.
        if (attempt + 1 < maxAttempts * 2) continue;
        throw classifyHttpError(status, body, { host: this.host, what: opts.what, retryAfterMs: wait });
      }
      if (status >= 500 && status !== 501 && policy === 'read' && attempt + 1 < maxAttempts) {
        await sleep(backoffDelay(attempt, baseMs, capMs), undefined, opts.signal ? { signal: opts.signal } : undefined);
        continue;
      }
      if (status >= 400) throw classifyHttpError(status, body, { host: this.host, what: opts.what });
      const parsed = opts.schema.safeParse(body ?? {});
      if (!parsed.success) {
        throw new UnusableAnswerError(
          `Rescale sent an answer Courier does not understand while trying to ${opts.what} (${endpoint}: ${describeIssue(parsed.error)}).`,
          endpoint,
        );
      }
      return parsed.data as z.output<S>;
    }
  }

  /**
   * Follows `next` links (same origin only, page cap), yielding the items that parse as pages
   * arrive. Items that do not are counted in `opts.skipped` (and reported once through
   * `onSkipped` when the list ends).
   */
  async *paginate<S extends z.ZodType>(path: string, item: S, opts: PaginateOptions<S>): AsyncGenerator<z.output<S>> {
    for await (const page of this.pages(path, item, opts)) yield* page;
  }

  /** As `paginate`, a page at a time: whoever acts on a long list can start on its first page. */
  async *pages<S extends z.ZodType>(path: string, item: S, opts: PaginateOptions<S>): AsyncGenerator<z.output<S>[]> {
    const tally = opts.skipped ?? newTally();
    const before = tally.count;
    const first = this.url(path, { ...opts.query, page_size: opts.pageSize ?? 100 });
    const given = opts.relist ? new Set<string>() : null;
    for (let pass = 0; ; pass++) {
      // A pass after the first reads what the first has reported already: its unreadable entries are not counted twice.
      const changed = yield* this.pass(first, item, opts, pass === 0 ? tally : newTally(), given);
      if (!changed || !opts.relist || pass >= opts.relist.passes) break;
    }
    if (tally.count > before) this.reportSkipped(tally, opts.what);
  }

  /** One reading of a list, page by page; true when its `count` changed between pages. */
  private async *pass<S extends z.ZodType>(
    first: URL,
    item: S,
    opts: PaginateOptions<S>,
    tally: SkipTally,
    given: Set<string> | null,
  ): AsyncGenerator<z.output<S>[], boolean> {
    let url: URL | null = first;
    const maxPages = this.o.maxPages ?? 1000;
    let seen = 0;
    let count: number | null | undefined;
    let changed = false;
    for (let n = 0; url && n < maxPages; n++) {
      const res: z.output<typeof listPage> = await this.callUrl('GET', url, {
        schema: listPage,
        what: opts.what,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      if (n === 0) count = res.count;
      else if (res.count !== count) changed = true;
      const items = parseItems(res.results, item, tally, seen);
      yield given && opts.relist ? notGivenYet(items, given, opts.relist.key) : items;
      seen += res.results.length;
      if (!res.next) break;
      const next: URL = new URL(res.next, url);
      if (next.origin !== this.origin)
        throw new CourierError('server_error', `Rescale's next-page link points to another host (${next.host}); stopped to protect your API key.`);
      // The server's `next` may fall back to its default page size; keep ours.
      if (!next.searchParams.has('page_size')) next.searchParams.set('page_size', String(opts.pageSize ?? 100));
      url = next;
    }
    return changed;
  }

  private readonly reported = new Set<string>();
  /** A list polled every few seconds must not repeat the same warning each time. */
  private reportSkipped(tally: SkipTally, what: string): void {
    const message = skippedMessage(tally, what);
    if (this.reported.has(message)) return;
    if (this.reported.size > 200) this.reported.clear();
    this.reported.add(message);
    this.o.onSkipped?.(message, tally);
  }

  /** One page of a list, parsed item by item (see `paginate`). */
  async listPage<S extends z.ZodType>(
    path: string,
    item: S,
    opts: { what: string; query?: CallOptions<S>['query']; signal?: AbortSignal },
  ): Promise<{ count: number; items: z.output<S>[]; hasNext: boolean; skipped: SkipTally }> {
    const res = await this.call('GET', path, {
      schema: listPage,
      what: opts.what,
      ...(opts.query ? { query: opts.query } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    const skipped = newTally();
    const items = parseItems(res.results, item, skipped);
    if (skipped.count > 0) this.reportSkipped(skipped, opts.what);
    return { count: res.count ?? res.results.length, items, hasNext: !!res.next, skipped };
  }
}

/** The items whose key is not in `given` yet (now added to it). */
function notGivenYet<T>(items: T[], given: Set<string>, key: (item: T) => string): T[] {
  return items.filter((x) => {
    const k = key(x);
    if (given.has(k)) return false;
    given.add(k);
    return true;
  });
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}
