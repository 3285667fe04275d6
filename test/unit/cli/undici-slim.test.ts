// scripts/undici-slim.mjs stands in for undici in the CLI build (scripts/build-cli.mjs): it must
// export every value Courier's modules import from undici, as undici does, and its request()
// must reach a server through the global dispatcher and through a dispatcher of our own.
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as undici from 'undici';

// @ts-expect-error plain JS module without types
import * as slimModule from '../../../scripts/undici-slim.mjs';

const slim = slimModule as typeof undici;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

/** Names imported as values (not `type`) from 'undici' anywhere in the code the CLI bundles. */
function importedValues(): Set<string> {
  const names = new Set<string>();
  for (const file of ['cli', 'main/core', 'shared', 'sandbox'].flatMap((d) => sources(d))) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^import\s+(type\s+)?\{([^}]*)\}\s+from\s+'undici';/gm)) {
      if (m[1]) continue;
      for (const spec of m[2]!.split(',').map((s) => s.trim())) if (spec && !spec.startsWith('type ')) names.add(spec.split(/\s+as\s+/)[0]!);
    }
  }
  return names;
}

let server: Server;
let url: string;
beforeAll(async () => {
  server = createServer((req, res) => res.end(`${req.method} ${req.url}`));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('the CLI build’s slim undici', () => {
  test('exports every value Courier imports from undici, of the same kind', () => {
    const names = importedValues();
    expect([...names].sort()).toEqual(expect.arrayContaining(['Agent', 'request']));
    for (const n of names) {
      expect(typeof (slim as Record<string, unknown>)[n], n).toBe(typeof (undici as Record<string, unknown>)[n]);
      expect((slim as Record<string, unknown>)[n], n).toBeDefined();
    }
  });

  test('request() through the global dispatcher and through an Agent of our own', async () => {
    const viaGlobal = await slim.request(`${url}/a?b=1`);
    expect(await viaGlobal.body.text()).toBe('GET /a?b=1');
    const agent = new slim.Agent({ keepAliveTimeout: 1000 });
    try {
      const own = await slim.request(`${url}/x`, { dispatcher: agent, method: 'POST', body: 'hi' });
      expect(own.statusCode).toBe(200);
      expect(await own.body.text()).toBe('POST /x');
    } finally {
      await agent.close();
    }
  });

  test('bad arguments are refused as undici refuses them', () => {
    expect(() => slim.request('' as string)).toThrow(/invalid url/);
    expect(() => slim.request(url, { agent: {} } as never)).toThrow(/unsupported opts.agent/);
  });
});
