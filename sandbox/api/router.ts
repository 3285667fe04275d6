import type { Readable } from 'node:stream';
import type { Scope } from '../control/ratelimit';
import { safeDecode } from '../s3/sigv4';
import type { UserRec } from '../store/state';
import type { ApiResult } from './http';

export interface ApiCtx {
  method: string;
  path: string;
  url: URL;
  /** scheme://host[:port] as the client addressed us: `next` links and downloadUrls use it. */
  origin: string;
  params: Record<string, string>;
  user: UserRec;
  body: Readable;
  contentType: string | undefined;
  headers: Record<string, string | string[] | undefined>;
}

export type Handler = (ctx: ApiCtx) => Promise<ApiResult> | ApiResult;

export interface Route {
  pattern: string;
  methods: Partial<Record<string, Handler>>;
  regex: RegExp;
  keys: string[];
  scope?: Scope;
}

/** Django-style routes: literal segments, `:name` captures one segment, `*name` one or more (a file path), trailing slash required. */
export class Router {
  private readonly routes: Route[] = [];

  add(pattern: string, methods: Partial<Record<string, Handler>>): this {
    const keys: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([a-zA-Z]+)|\\\*([a-zA-Z]+)/g, (_m, one: string | undefined, many: string | undefined) => {
        keys.push((one ?? many)!);
        return one ? '([^/]+)' : '(.+)';
      })}$`,
    );
    this.routes.push({ pattern: pattern.replace(/[:*]([a-zA-Z]+)/g, '{$1}'), methods, regex, keys });
    return this;
  }

  match(path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => {
        params[k] = safeDecode(m[i + 1] ?? '');
      });
      return { route, params };
    }
    return undefined;
  }
}
