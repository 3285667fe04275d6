// socket-get.ts against real local HTTP and HTTPS servers: bodies arrive whole and in order
// however the caller paces itself (the reused read buffer must never overwrite a chunk still
// held), connections are kept and replaced, and every failure is one the engine classifies.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { socketGet, socketGetOptions, type SocketGetOptions } from '../../../main/core/transfer/worker/socket-get';
import { classifyError } from '../../../main/core/transfer/worker/s3';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A server that counts the connections it accepted; every socket is closed with it. */
async function serve(handler: Handler, tls?: { key: Buffer; cert: Buffer }): Promise<{ url: string; connections: () => number; server: Server }> {
  const server = tls ? createHttpsServer(tls, handler) : createHttpServer(handler);
  let connections = 0;
  const open = new Set<Socket>();
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++;
    open.add(s);
    s.on('close', () => open.delete(s));
  });
  const close = server.close.bind(server);
  server.close = (cb) => {
    for (const s of open) s.destroy();
    return close(cb);
  };
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, connections: () => connections, server };
}

function opts(extra: Partial<SocketGetOptions> = {}): SocketGetOptions {
  return { timeouts: { connectMs: 5_000, headersMs: 5_000, bodyIdleMs: 5_000 }, signal: new AbortController().signal, ...extra };
}

/** Reads a body the way a slow consumer does: each chunk hashed only after yielding to the loop. */
async function readSlowly(body: AsyncIterable<Buffer>): Promise<{ sha: string; bytes: number; chunks: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  let chunks = 0;
  for await (const chunk of body) {
    const before = createHash('sha256').update(chunk).digest('hex');
    await new Promise((resolve) => setImmediate(resolve)); // the socket could read meanwhile
    await new Promise((resolve) => setImmediate(resolve));
    expect(createHash('sha256').update(chunk).digest('hex')).toBe(before); // the chunk was not overwritten
    h.update(chunk);
    bytes += chunk.length;
    chunks++;
  }
  return { sha: h.digest('hex'), bytes, chunks };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** One GET, then the kept connection seen from its own end: `ss -o` shows the keepalive timer it runs. */
async function expectKeepalive(tls?: { key: Buffer; cert: Buffer }): Promise<void> {
  let clientPort = 0;
  const srv = await serve((req, res) => {
    clientPort = req.socket.remotePort ?? 0;
    res.end('kept');
  }, tls);
  const r = await socketGet(new URL(`${srv.url}/a`), {}, opts(tls ? { ca: tls.cert.toString() } : {}));
  expect(await r.body.text()).toBe('kept');
  const ss = execFileSync('ss', ['-tnoH', 'state', 'established', `( sport = :${clientPort} )`], { encoding: 'utf8' });
  expect(ss).toMatch(/timer:\(keepalive,/);
}

/** Writes `body` in pieces of `piece` bytes, each once the previous is flushed. */
function writeInPieces(res: ServerResponse, body: Buffer, piece: number): void {
  let at = 0;
  const next = (): void => {
    while (at < body.length) {
      const ok = res.write(body.subarray(at, (at += piece)));
      if (!ok) return void res.once('drain', next);
    }
    res.end();
  };
  next();
}

describe('socketGet over plain HTTP', () => {
  it('reads a Content-Length body intact through a slow consumer and keeps the connection for the next GET', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 123);
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      writeInPieces(res, body, 100_000);
    });
    for (let i = 0; i < 3; i++) {
      const r = await socketGet(new URL(`${srv.url}/obj?x=${i}`), { range: 'bytes=0-' }, opts());
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-length']).toBe(String(body.length));
      const got = await readSlowly(r.body);
      expect(got.bytes).toBe(body.length);
      expect(got.sha).toBe(sha256(body));
    }
    expect(srv.connections()).toBe(1);
  });

  it('sets TCP keepalive on its connections (seen by the kernel)', async () => {
    await expectKeepalive();
  });

  it("keeps an idle connection as long as the server's Keep-Alive says, less a second", async () => {
    const srv = await serve((req, res) => res.end('x'));
    const get = async (): Promise<void> => expect(await (await socketGet(new URL(`${srv.url}/a`), {}, opts())).body.text()).toBe('x');
    // timeout=1: closed by the server about when the next GET could go, so not kept at all.
    (srv.server as Server).keepAliveTimeout = 1_000;
    await get();
    await get();
    expect(srv.connections()).toBe(2);
    // timeout=31: still kept after 10 s idle (the default without the header is 4 s).
    srv.server.keepAliveTimeout = 31_000;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      await get();
      vi.advanceTimersByTime(10_000);
      await get();
    } finally {
      vi.useRealTimers();
    }
    expect(srv.connections()).toBe(3);
  });

  it('decodes a chunked body, sends the headers it was given and a Host', async () => {
    const body = randomBytes(700_000);
    let seen: IncomingMessage['headers'] = {};
    const srv = await serve((req, res) => {
      seen = req.headers;
      res.writeHead(200, { 'transfer-encoding': 'chunked' });
      writeInPieces(res, body, 65_537);
    });
    const r = await socketGet(new URL(`${srv.url}/bucket/a%20b`), { authorization: 'AWS4 x', 'x-amz-date': '20261206T000000Z' }, opts());
    const got = await readSlowly(r.body);
    expect(got.sha).toBe(sha256(body));
    expect(seen.authorization).toBe('AWS4 x');
    expect(seen.host).toBe(new URL(srv.url).host);
  });

  it('replaces a kept connection the server has closed, without an error', async () => {
    const body = randomBytes(10_000);
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': body.length });
      res.end(body, () => setImmediate(() => req.socket.destroy())); // the server drops it once idle
    });
    const first = await socketGet(new URL(`${srv.url}/a`), {}, opts());
    expect((await readSlowly(first.body)).sha).toBe(sha256(body));
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the close reach the client, or not: both must work
    const second = await socketGet(new URL(`${srv.url}/a`), {}, opts());
    expect((await readSlowly(second.body)).sha).toBe(sha256(body));
    expect(srv.connections()).toBe(2);
  });

  it('reports a connection dropped mid-body as a retryable network error', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(randomBytes(300_000), () => req.socket.destroy());
    });
    const r = await socketGet(new URL(`${srv.url}/a`), {}, opts());
    const err = await readSlowly(r.body).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    const info = classifyError(err, new AbortController().signal);
    expect(info).toMatchObject({ code: 'network_error', retryable: true });
  });

  it('gives an error status with its document', async () => {
    const xml = '<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>';
    const srv = await serve((req, res) => {
      res.writeHead(404, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) });
      res.end(xml);
    });
    const r = await socketGet(new URL(`${srv.url}/a`), {}, opts());
    expect(r.statusCode).toBe(404);
    expect(await r.body.text()).toBe(xml);
  });

  it('times out a server that never answers, as the engine retries it', async () => {
    const srv = await serve(() => undefined);
    const t0 = performance.now();
    const err = await socketGet(new URL(`${srv.url}/a`), {}, opts({ timeouts: { connectMs: 5_000, headersMs: 300, bodyIdleMs: 5_000 } })).catch(
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect(classifyError(err, new AbortController().signal)).toMatchObject({ code: 'network_error', retryable: true });
  });

  it('times out a body that stops arriving', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(randomBytes(1000));
    });
    const r = await socketGet(new URL(`${srv.url}/a`), {}, opts({ timeouts: { connectMs: 5_000, headersMs: 5_000, bodyIdleMs: 300 } }));
    const err = await readSlowly(r.body).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe('UND_ERR_BODY_TIMEOUT');
  });

  it('stops at once when its signal aborts mid-body', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 10_000_000 });
      res.write(randomBytes(100_000));
    });
    const ac = new AbortController();
    const r = await socketGet(new URL(`${srv.url}/a`), {}, opts({ signal: ac.signal }));
    const reading = (async () => {
      for await (const chunk of r.body) {
        expect(chunk.length).toBeGreaterThan(0);
        ac.abort(new Error('cancelled by the user'));
      }
    })();
    await expect(reading).rejects.toThrow('cancelled by the user');
  });

  it('parses a head that arrives in pieces, split inside its blank line, and does not keep a connection the server closes', async () => {
    const server = createNetServer((sock) => {
      sock.once('data', () => {
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r');
        // A pause so the rest most likely arrives as a read of its own (coalesced, the case still holds).
        setTimeout(() => sock.end('\nhello world'), 30);
      });
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    let accepted = 0;
    server.on('connection', () => accepted++);
    for (let i = 0; i < 2; i++) {
      const r = await socketGet(new URL(`${url}/a`), {}, opts());
      expect(r.headers.connection).toBe('close');
      expect(await r.body.text()).toBe('hello world');
    }
    expect(accepted).toBe(2);
  });

  it('refuses a header value that would split the request, also through characters latin1 would turn into CR LF', async () => {
    const srv = await serve((req, res) => res.end());
    for (const bad of ['"x"\r\nx-evil: 1', 'x\u010d\u010aX-Injected: yes']) {
      await expect(socketGet(new URL(`${srv.url}/a`), { 'if-match': bad }, opts())).rejects.toMatchObject({ code: 'ERR_INVALID_HEADER' });
    }
    expect(srv.connections()).toBe(0);
  });

  it('passes over an interim 100 Continue, and does not keep a connection with bytes after a chunked body', async () => {
    const server = createNetServer((sock) => {
      sock.on('data', () =>
        sock.write(
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nEVIL',
        ),
      );
    });
    servers.push(server as unknown as Server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let accepted = 0;
    server.on('connection', () => accepted++);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/a`;
    for (let i = 0; i < 2; i++) {
      const r = await socketGet(new URL(url), {}, opts());
      expect(r.statusCode).toBe(200);
      expect(await r.body.text()).toBe('hello');
    }
    expect(accepted).toBe(2);
  });

  it('leaves no abort listener behind, whether the GET succeeds, fails or is left early', async () => {
    const srv = await serve((req, res) => {
      if (req.url === '/gone') return void req.socket.destroy();
      res.writeHead(200, { 'content-length': 200_000 });
      res.end(randomBytes(200_000));
    });
    const ac = new AbortController();
    await readSlowly((await socketGet(new URL(`${srv.url}/ok`), {}, opts({ signal: ac.signal }))).body);
    await expect(socketGet(new URL(`${srv.url}/gone`), {}, opts({ signal: ac.signal }))).rejects.toBeInstanceOf(Error);
    const early = await socketGet(new URL(`${srv.url}/ok`), {}, opts({ signal: ac.signal }));
    for await (const chunk of early.body) if (chunk.length > 0) break;
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});

describe('socketGet over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'courier-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const tls = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };

  it('keeps every chunk intact while TLS delivers record after record (the ring and its spill)', async () => {
    const body = randomBytes(8 * 1024 * 1024 + 5);
    const srv = await serve((req, res) => {
      res.writeHead(206, { 'content-length': body.length });
      writeInPieces(res, body, 1 << 20);
    }, tls);
    const r = await socketGet(new URL(`${srv.url}/obj`), {}, opts({ ca: tls.cert.toString() }));
    expect(r.statusCode).toBe(206);
    const got = await readSlowly(r.body);
    expect(got.bytes).toBe(body.length);
    expect(got.sha).toBe(sha256(body));
  });

  it('resumes the TLS session on the next connection; a session the server no longer takes gets a full handshake', async () => {
    const resumed: boolean[] = [];
    const srv = await serve((req, res) => {
      resumed.push((req.socket as TLSSocket).isSessionReused());
      res.writeHead(200, { 'content-length': 2, connection: 'close' }); // every GET on a new connection
      res.end('ok');
    }, tls);
    const get = async (): Promise<void> => {
      const r = await socketGet(new URL(`${srv.url}/obj`), {}, opts({ ca: tls.cert.toString() }));
      expect(await r.body.text()).toBe('ok');
    };
    await get();
    await get();
    expect(resumed).toEqual([false, true]);
    (srv.server as import('node:https').Server).setTicketKeys(randomBytes(48)); // the tickets handed out are now worthless
    await get();
    await get();
    expect(resumed).toEqual([false, true, false, true]);
    expect(srv.connections()).toBe(4);
  });

  it('sets TCP keepalive on TLS connections too', async () => {
    await expectKeepalive(tls);
  });

  it('refuses a server its CAs do not vouch for', async () => {
    const srv = await serve((req, res) => res.end('x'), tls);
    const err = await socketGet(new URL(`${srv.url}/obj`), {}, opts()).catch((e: unknown) => e);
    expect(String((err as { code?: string }).code)).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  });
});

describe('socketGetOptions', () => {
  const signal = new AbortController().signal;
  const url = new URL('https://bucket.s3.amazonaws.com/key');

  it('leaves anything behind a proxy to undici', () => {
    expect(socketGetOptions({ proxy: { mode: 'explicit', url: 'http://proxy:3128' } }, url, signal)).toBeNull();
    expect(socketGetOptions({ proxy: { mode: 'none' } }, url, signal)).not.toBeNull();
    expect(socketGetOptions(undefined, url, signal)).not.toBeNull();
  });

  it('takes the timeouts and the CA bundle the user set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-ca-'));
    const ca = join(dir, 'ca.pem');
    execFileSync('sh', ['-c', `printf 'PEM TEXT' > '${ca}'`]);
    const o = socketGetOptions({ proxy: { mode: 'none' }, caBundlePath: ca, timeouts: { headersMs: 1234 } }, url, signal);
    expect(o).toMatchObject({ ca: 'PEM TEXT', timeouts: { headersMs: 1234, connectMs: 15_000 } });
    expect(() => socketGetOptions({ proxy: { mode: 'none' }, caBundlePath: join(dir, 'missing.pem') }, url, signal)).toThrow(/CA bundle .* cannot be read/);
  });
});
