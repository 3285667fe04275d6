// A deterministic corpus of hostile traffic for the web host: malformed HTTP, odd upgrades, bad
// frames and staging PUTs with hostile encodings. Every case is bounded (one connection, answered
// or dropped within `waitMs`) and talks to loopback only. Read-only channels only: a fuzzer that
// could pause or cancel would test the user's permissions, not the host's robustness.
import net from 'node:net';
import { encodeFrame, rawFrames, upgradeRequest, type Access } from './hostile-client';

/** mulberry32: small, fast and the same on every machine for a given seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FuzzCase = { kind: 'http' | 'upgrade' | 'frames' | 'staging'; run: () => Promise<void> };

/** Sends bytes; done at the first answer, when the server closes, or after `waitMs`. */
function poke(port: number, bytes: Buffer | string, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes, () => undefined));
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    };
    const timer = setTimeout(done, waitMs);
    s.on('data', done);
    s.on('close', done);
    s.on('error', done);
  });
}

const METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'PATCH', 'CONNECT', 'FOO', 'G\0ET', 'get', 'GET GET', ''];
const PATHS = [
  '/',
  '//',
  '///rpc',
  '*',
  'http://evil.example/',
  'rpc',
  '/%',
  '/%E0%A4%A',
  '/%00',
  '/%C0%AF',
  '/..%2f..%2fpackage.json',
  '/assets/../../etc/passwd',
  '/?token=',
  '/?token=%ZZ',
  '/?token=a&token=b',
  `/${'a'.repeat(9000)}`,
  '/staging/',
  '/staging/batch1234/%2e%2e%2f',
  '/rpc',
  '/\xff\xfe',
  '/#frag',
  '//evil.example/rpc',
  '/index.html?%',
  '/assets/%2e%2e/%2e%2e/x',
  '/\\..\\..\\x',
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9.9', 'JUNK', ''];
const CHANNELS = [
  'courier:app.info',
  'courier:transfers.list',
  'courier:settings.get',
  'courier:nope.nope',
  'courier:__proto__.constructor',
  'toString',
  '',
  'courier:app.info\0',
];
const SEGMENTS = [
  '%2F',
  '..',
  '%2E%2E',
  '%2e',
  '%5C',
  '%00',
  '%E0%A4%A',
  '%C0%AF',
  '%25',
  'ok',
  '%E6%97%A5',
  '%F0%9F%98%80',
  '.',
  '',
  'x'.repeat(300),
  '%0A',
  'a%2F..%2F..%2F..%2Fvictim.txt',
  'con',
  '%3A',
  'b.txt',
];

export function buildCorpus(a: Access, seed: number, counts: { http: number; upgrade: number; frames: number; staging: number }, waitMs = 1000): FuzzCase[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
  const host = `127.0.0.1:${a.port}`;

  const headers = (): string => {
    const h: string[] = [];
    if (chance(0.8)) h.push(`Host: ${pick([host, host, 'evil.example', `localhost:${a.port}`, '', `${host}\0`])}`);
    if (chance(0.1)) h.push(`Host: ${host}`); // duplicated
    if (chance(0.6))
      h.push(
        `Cookie: ${pick([a.cookie, a.cookie, 'courier_session_1=forged', `${a.cookie}; ${'c'.repeat(4000)}=1`, '=;=;', a.cookie.replace(/=.*/, '=%ZZ')])}`,
      );
    if (chance(0.5)) h.push(`Origin: ${pick([a.origin, a.origin, 'http://evil.example', 'null', ''])}`);
    if (chance(0.3)) h.push(`Content-Length: ${pick(['0', '5', '-1', '99999999999999999999', 'abc', '5, 7'])}`);
    if (chance(0.1)) h.push('Transfer-Encoding: chunked');
    if (chance(0.05)) h.push('no colon here');
    if (chance(0.05)) h.push('X-Bad: a\0b');
    if (chance(0.05)) h.push(' folded: continuation');
    if (chance(0.05)) h.push('Expect: 100-continue');
    if (chance(0.7)) h.push('Connection: close');
    return h.map((x) => `${x}\r\n`).join('');
  };

  const http = (): FuzzCase => {
    const body = chance(0.3) ? bytes(Math.floor(rnd() * 64)) : Buffer.alloc(0);
    const line = `${pick(METHODS)} ${pick(PATHS)} ${pick(VERSIONS)}\r\n`;
    const req = Buffer.concat([Buffer.from(line + headers() + '\r\n', 'latin1'), body, chance(0.1) ? Buffer.from('0\r\n\r\nGARBAGE') : Buffer.alloc(0)]);
    return { kind: 'http', run: () => poke(a.port, req, waitMs) };
  };

  const upgrade = (): FuzzCase => {
    let req = upgradeRequest(chance(0.5) ? a : { ...a, cookie: 'x=y', origin: 'http://evil.example' }, pick(PATHS));
    if (chance(0.4)) req = req.replace('dGhlIHNhbXBsZSBub25jZQ==', pick(['short', '', '!!!!', 'dGhlIHNhbXBsZSBub25jZQ==dGhl']));
    if (chance(0.2)) req = req.replace('Sec-WebSocket-Version: 13', `Sec-WebSocket-Version: ${pick(['8', 'x', ''])}`);
    if (chance(0.2)) req = req.replace('Upgrade: websocket', `Upgrade: ${pick(['WebSocket', 'h2c', 'websocket, foo', ''])}`);
    if (chance(0.1)) req = req.replace(`Host: ${host}`, 'Host: evil.example');
    const tail = chance(0.3) ? bytes(Math.floor(rnd() * 32)) : Buffer.alloc(0);
    return { kind: 'upgrade', run: () => poke(a.port, Buffer.concat([Buffer.from(req, 'latin1'), tail]), waitMs) };
  };

  const frame = (): Buffer => {
    switch (Math.floor(rnd() * 10)) {
      case 0:
        return encodeFrame(1, Buffer.from('{"t":"req"'), pick([2 ** 40, 2 ** 31, 7 * 1024 * 1024])); // declared over the limit
      case 1:
        return encodeFrame(1, Buffer.concat([Buffer.from('{"t":"'), bytes(8), Buffer.from([0xff, 0xc0])])); // invalid UTF-8
      case 2:
        return encodeFrame(2, bytes(Math.floor(rnd() * 200))); // binary
      case 3:
        return encodeFrame(
          1,
          Buffer.from(
            pick([
              '{not json',
              'null',
              '[]',
              '1e999',
              '"x"',
              '{"t":"req","id":"1"}',
              '{"t":"req","id":1.5,"ch":"courier:app.info"}',
              '{"__proto__":{"t":"req"}}',
            ]),
          ),
        );
      case 4:
        return encodeFrame(
          1,
          Buffer.from(
            JSON.stringify({
              t: 'req',
              id: Math.floor(rnd() * 1e6),
              ch: pick(CHANNELS),
              input: pick([{}, null, [], 'x', { id: 5 }, { limit: -1 }, { dir: '\0' }]),
            }),
          ),
        );
      case 5:
        return encodeFrame(pick([3, 7, 0xb, 0xf]), bytes(4)); // reserved opcodes
      case 6:
        return encodeFrame(9, bytes(200)); // a ping longer than a control frame may be
      case 7:
        return encodeFrame(0, Buffer.from('continuation without a start'));
      case 8: {
        const f = encodeFrame(1, Buffer.from('{}'));
        f[0] = f[0]! | 0x70;
        return f;
      } // RSV bits set
      default: {
        const f = encodeFrame(1, Buffer.from('{}'));
        f[1] = f[1]! & 0x7f;
        return Buffer.concat([f.subarray(0, 2), f.subarray(6)]);
      } // unmasked
    }
  };
  const frames = (): FuzzCase => {
    const list = Array.from({ length: 1 + Math.floor(rnd() * 3) }, frame);
    list.push(encodeFrame(8, Buffer.from([0x03, 0xe8]))); // then a polite close, so a surviving socket ends quickly
    return { kind: 'frames', run: () => rawFrames(a, list, waitMs).then(() => undefined) };
  };

  const staging = (): FuzzCase => {
    const segs = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(SEGMENTS));
    const batch = pick(['fuzzbatch1', 'fuzzbatch2', 'x', '..', '%2E%2E', 'fuzz%2F..%2F..', 'fuzzbatch3']);
    const body = bytes(Math.floor(rnd() * 32));
    const length = chance(0.8) ? body.length : body.length + 100; // some bodies end short
    const req = `PUT /staging/${batch}/${segs.join('/')} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${a.cookie}\r\nOrigin: ${a.origin}\r\nContent-Length: ${length}\r\nConnection: close\r\n\r\n`;
    return { kind: 'staging', run: () => poke(a.port, Buffer.concat([Buffer.from(req, 'latin1'), body]), waitMs) };
  };

  const out: FuzzCase[] = [];
  for (let i = 0; i < counts.http; i++) out.push(http());
  for (let i = 0; i < counts.upgrade; i++) out.push(upgrade());
  for (let i = 0; i < counts.frames; i++) out.push(frames());
  for (let i = 0; i < counts.staging; i++) out.push(staging());
  // Interleave the kinds, deterministically.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Runs the cases `parallel` at a time. */
export async function runCorpus(cases: FuzzCase[], parallel: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < cases.length) await cases[next++]!.run();
  };
  await Promise.all(Array.from({ length: parallel }, lane));
}
