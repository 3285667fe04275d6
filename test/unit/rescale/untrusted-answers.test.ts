// The platform is untrusted input: a tiny loopback server answers like the platform would
// (or like a broken or hostile one), and the real API client reads it over real HTTP.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent } from 'undici';
import { afterEach, describe, expect, test } from 'vitest';
import { RescaleApi } from '../../../main/core/rescale/api';
import { MAX_BODY_BYTES } from '../../../main/core/rescale/client';
import { UnusableAnswerError } from '../../../main/core/rescale/errors';
import { findByMarker } from '../../../main/core/jobs/marker';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server | null = null;
let agent: Agent | null = null;
afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((r) => server!.close(r));
  await agent?.close();
  server = null;
});

/** A loopback "platform" answering with `handler`; counts the requests it served. */
async function platform(handler: Handler, opts: { maxBodyBytes?: number } = {}) {
  const served: string[] = [];
  const skipped: string[] = [];
  server = createServer((req, res) => {
    served.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  agent = new Agent();
  const api = new RescaleApi({
    baseUrl: `http://127.0.0.1:${port}`,
    apiKey: 'k'.repeat(40),
    dispatcher: agent,
    limiter: { acquire: async () => undefined, block: async () => undefined },
    backoff: { baseMs: 1, capMs: 5 },
    maxAttempts: 4,
    onSkipped: (m) => skipped.push(m),
    ...opts,
  });
  return { api, served, skipped, origin: `http://127.0.0.1:${port}` };
}

const json = (res: ServerResponse, body: unknown, status = 200) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

const fileRec = (id: string, name: string, extra: Record<string, unknown> = {}) => ({ id, name, decryptedSize: 10, encodedEncryptionKey: 'k', ...extra });

describe('ids from the platform are checked where they are parsed', () => {
  test('a job create answered with a path for an id fails, naming the field and the endpoint, once', async () => {
    const p = await platform((_req, res) => json(res, { id: 'x/../../JOBESC', name: 'job' }, 201));
    const err = await p.api.createJob({ name: 'job' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnusableAnswerError);
    expect((err as Error).message).toContain('POST /api/v2/jobs/');
    expect((err as Error).message).toMatch(/id: "x\/\.\.\/\.\.\/JOBESC" is not a Rescale id/);
    expect(p.served).toHaveLength(1);
  });

  test.each([['../up'], ['a b'], [''], ['x'.repeat(65)], ['ab\u0000c']])('a file record with id %j is refused', async (id) => {
    const p = await platform((_req, res) => json(res, fileRec(id, 'a.txt')));
    await expect(p.api.getFile('XkpTse')).rejects.toThrow(/GET \/api\/v3\/files\/XkpTse\/: id: .* is not a Rescale id/);
  });

  test('a folder created with a path for an id is refused; folder listings drop such entries', async () => {
    const p = await platform((req, res) =>
      req.method === 'POST'
        ? json(res, { id: '../../etc', name: 'run1' }, 201)
        : json(res, {
            next: null,
            results: [
              { type: 'folder', item: { id: 'qpOdrb', name: 'ok' } },
              { type: 'folder', item: { id: 'a/b', name: 'bad' } },
            ],
          }),
    );
    await expect(p.api.createFolder('pCTMk', 'run1')).rejects.toThrow(/POST \/api\/v3\/folders\/pCTMk\/: id: "\.\.\/\.\.\/etc" is not a Rescale id/);
    const items = [];
    for await (const e of p.api.folderContents('pCTMk')) items.push(e.item.id);
    expect(items).toEqual(['qpOdrb']);
    expect(p.skipped).toHaveLength(1);
  });

  test('a folder whose count keeps changing between its pages is read at most 3 times, each entry given once', async () => {
    let asks = 0;
    const p = await platform((req, res) => {
      asks += 1; // every answer counts one more entry than the one before: the folder never settles
      const second = req.url?.includes('page=2');
      const folder = (id: string) => ({ type: 'folder', item: { id, name: id } });
      json(res, {
        count: 2 + asks,
        next: second ? null : `/api/v3/folders/pCTMk/contents/?page=2`,
        results: second ? [folder('qpOdrc'), folder(`late${asks}`)] : [folder('qpOdrb')],
      });
    });
    const items = [];
    for await (const e of p.api.folderContents('pCTMk')) items.push(e.item.id);
    expect(p.served).toHaveLength(6); // 3 readings of 2 pages
    expect(items).toEqual(['qpOdrb', 'qpOdrc', 'late2', 'late4', 'late6']);
  });

  test('status entries keep their own ids as sent (numbers too): none of the history is dropped', async () => {
    const p = await platform((_req, res) =>
      json(res, {
        count: 2,
        next: null,
        results: [
          { id: 7, status: 'Queued', statusDate: '2016-04-21T17:07:04.761050Z' },
          { id: 'x', status: 'Pending', statusDate: '2016-04-21T17:06:32.086507Z' },
        ],
      }),
    );
    expect((await p.api.jobStatuses('OsKBd')).map((s) => s.status)).toEqual(['Queued', 'Pending']);
  });

  test('run ids: numeric strings and numbers are ids, a path is not', async () => {
    const p = await platform((_req, res) =>
      json(res, {
        count: 3,
        next: null,
        results: [
          { id: '1', dateStarted: null },
          { id: 2, dateStarted: null },
          { id: '../3', dateStarted: null },
        ],
      }),
    );
    expect((await p.api.jobRuns('OsKBd')).map((r) => r.id)).toEqual(['1', '2']);
    expect(p.skipped).toHaveLength(1);
    expect(p.skipped[0]).toMatch(/results\[2\]\.id: "\.\.\/3" is not a Rescale id/);
  });
});

describe('lists are parsed item by item', () => {
  test('one bad output record is left out and reported once, even when asked again; the good ones arrive', async () => {
    const p = await platform((req, res) => {
      const page2 = req.url?.includes('page=2');
      json(
        res,
        page2
          ? { count: 3, next: null, results: [fileRec('ZeFSa', 'post.echo')] }
          : { count: 3, next: `${p.origin}/api/v2/jobs/OsKBd/files/?page=2`, results: [fileRec('oHyEm', 'fsi.in'), fileRec('bad/id', 'x')] },
      );
    });
    const listed = await p.api.jobFilesListed('OsKBd');
    expect(listed.items.map((f) => f.id)).toEqual(['oHyEm', 'ZeFSa']);
    expect(listed.skipped).toMatchObject({ count: 1 });
    expect(listed.skipped.first).toMatch(/^results\[1\]\.id:/);
    expect(p.skipped).toEqual([
      expect.stringMatching(/^1 record Rescale sent while Courier tried to list the outputs of job OsKBd could not be read and was left out/),
    ]);
    // Asked again (a poll), the same loss is counted again but not told again.
    expect((await p.api.jobFilesListed('OsKBd')).skipped.count).toBe(1);
    expect(p.skipped).toHaveLength(1);
  });

  test('a software entry without a name keeps the page; one that is not an object is left out', async () => {
    const p = await platform((_req, res) =>
      json(res, {
        count: 3,
        next: null,
        results: [{ code: 'abaqus', versions: [{ versionCode: '2022' }] }, { code: 'openfoam', name: 'OpenFOAM', versions: [] }, 42],
      }),
    );
    const r = await p.api.analyses();
    expect(r.items.map((a) => [a.code, a.name ?? null])).toEqual([
      ['abaqus', null],
      ['openfoam', 'OpenFOAM'],
    ]);
    expect(r.skipped.count).toBe(1);
  });
});

describe('shapes the platform is known to send are accepted', () => {
  test('sizes and counts as strings, next as "", no previous key', async () => {
    const p = await platform((_req, res) => json(res, { count: '1', next: '', results: [fileRec('XkpTse', 'a.txt', { decryptedSize: '152' })] }));
    const files = await p.api.jobFiles('OsKBd');
    expect(files.map((f) => [f.id, f.decryptedSize])).toEqual([['XkpTse', 152]]);
    expect(p.served).toHaveLength(1); // "" is the end, not a link to follow
  });

  test('credentials answered with 201, stop with 202 and an empty body', async () => {
    const p = await platform((req, res) => {
      if (req.url?.startsWith('/api/v3/credentials/'))
        return json(res, { storageType: 'S3Storage', accessKey: 'AK', secretKey: 'SK', sessionToken: 'ST' }, 201);
      res.writeHead(202).end();
    });
    expect(await p.api.credentials()).toMatchObject({ accessKey: 'AK', sessionToken: 'ST' });
    await expect(p.api.stopJob('OsKBd')).resolves.toBeDefined();
  });
});

describe('answer bodies are capped', () => {
  test(`a body over ${MAX_BODY_BYTES / 1024 / 1024} MiB: a clear error naming the endpoint, not retried`, async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    const p = await platform((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // no length: streamed
      res.write('{"count":1,"next":null,"results":[');
      let sent = 0;
      const pump = () => {
        while (sent < 70 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end(']}');
      };
      pump();
    });
    const err = await p.api.jobFiles('OsKBd').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnusableAnswerError);
    expect(err).toMatchObject({ code: 'server_error', endpoint: 'GET /api/v2/jobs/OsKBd/files/' });
    expect((err as Error).message).toMatch(/answer to GET \/api\/v2\/jobs\/OsKBd\/files\/ \(list the outputs of job OsKBd\) is larger than 64 MiB/);
    expect((err as Error).message).not.toMatch(/network or VPN/);
    expect(p.served).toHaveLength(1);
  });

  test('a declared Content-Length over the cap is refused before reading', async () => {
    const p = await platform(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(2048) });
        res.end(' '.repeat(2048));
      },
      { maxBodyBytes: 1024 },
    );
    await expect(p.api.getJob('OsKBd')).rejects.toThrow(/GET \/api\/v2\/jobs\/OsKBd\/ \(read job OsKBd\) is larger than/);
    expect(p.served).toHaveLength(1);
  });
});

describe('the exactly-once lookup never takes an unreadable record for "not created"', () => {
  test('a job list with a record left out makes the marker lookup fail (look again later), not answer "not found"', async () => {
    const page = (results: unknown[]) => ({ count: results.length, next: null, previous: null, results });
    const good = { id: 'AbC12', name: 'other job [cr-aaaaaaaa]', dateInserted: '2026-12-05T10:00:00Z', jobStatus: { content: 'Completed' } };
    // The created job, carrying the marker, with an id Courier refuses.
    const bad = { id: 'x/../y', name: 'train [cr-bbbbbbbb]', dateInserted: '2026-12-05T10:00:01Z' };
    let listed: unknown[] = [bad, good];
    const p = await platform((_req, res) => json(res, page(listed)));
    const err = await findByMarker(p.api, 'cr-bbbbbbbb', null).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/1 job record in your job list could not be read.*instead of creating it twice/);
    // Without a record left out, a missing marker is a plain "not found".
    listed = [good];
    expect(await findByMarker(p.api, 'cr-bbbbbbbb', null)).toEqual([]);
  });
});
