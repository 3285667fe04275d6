// The little of HTTP/1.1 that socket-get.ts reads: a response head and the chunked coding.
// Errors carry the codes the engine's classifier treats as network failures (retried).

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// undici's rule for header values: the request is written as latin1, which would turn U+010D U+010A
// into CR LF, so anything outside tab, printable ASCII and 0x80-0xFF is refused.
const UNSAFE_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export type Framing = { kind: 'length'; left: number } | { kind: 'chunked' } | { kind: 'close' };

export function netError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export interface ResponseHead {
  status: number;
  /** Lower-case names; a repeated header gives an array. */
  headers: Record<string, string | string[]>;
  framing: Framing;
  /** Whether the connection may carry another request after this response. */
  reusable: boolean;
}

/** A GET's request head; a header that could split the request is refused before anything is sent. */
export function getRequestText(url: URL, headers: Record<string, string>): string {
  let head = `GET ${url.pathname}${url.search} HTTP/1.1\r\n`;
  let hasHost = false;
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name) || UNSAFE_VALUE.test(value)) throw netError('ERR_INVALID_HEADER', `refusing to send header ${JSON.stringify(name)}: it is malformed`);
    if (name.toLowerCase() === 'host') hasHost = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hasHost) head += `host: ${url.host}\r\n`;
  return `${head}\r\n`;
}

/** The status line and headers (without the blank line that ends them). */
export function parseResponseHead(text: string): ResponseHead {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '');
  if (!m) throw netError('UND_ERR_SOCKET', `storage answered something that is not HTTP/1.1: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  const headers: Record<string, string | string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const had = headers[name];
    headers[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  }
  const one = (n: string): string => {
    const v = headers[n];
    return (Array.isArray(v) ? v.join(',') : (v ?? '')).toLowerCase();
  };
  const status = Number(m[2]);
  let reusable = m[1] === '1' && !/\bclose\b/.test(one('connection'));
  const length = one('content-length');
  const coding = one('transfer-encoding');
  let framing: Framing;
  if (status === 204 || status === 304) framing = { kind: 'length', left: 0 };
  else if (coding !== '') {
    // RFC 9112 §6.3: chunked last frames the body (and a Content-Length beside it is ignored, the
    // connection not kept); any other coding runs to the close.
    framing = /(?:^|,)\s*chunked\s*$/.test(coding) ? { kind: 'chunked' } : { kind: 'close' };
    if (framing.kind === 'close' || length !== '') reusable = false;
  } else if (length !== '') {
    if (!/^\d+$/.test(length)) throw netError('UND_ERR_SOCKET', `storage sent an invalid Content-Length (${length.slice(0, 40)})`);
    framing = { kind: 'length', left: Number(length) };
  } else {
    framing = { kind: 'close' };
    reusable = false;
  }
  return { status, headers, framing, reusable };
}

/**
 * Chunked transfer coding, incrementally: `decode` hands out the data of each chunk as views of
 * the input and returns how many input bytes it used; `done` once the last chunk and its trailer are read.
 */
export class ChunkedDecoder {
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = '';
  private left = 0;

  get done(): boolean {
    return this.state === 'done';
  }

  decode(input: Buffer, emit: (piece: Buffer) => void): number {
    let i = 0;
    while (i < input.length && this.state !== 'done') {
      if (this.state === 'data') {
        const n = Math.min(this.left, input.length - i);
        emit(input.subarray(i, i + n));
        i += n;
        this.left -= n;
        if (this.left === 0) this.state = 'data-end';
        continue;
      }
      const nl = input.indexOf(10, i);
      const end = nl < 0 ? input.length : nl + 1;
      this.line += input.toString('latin1', i, end);
      i = end;
      if (this.line.length > 4096) throw netError('UND_ERR_SOCKET', 'storage sent a malformed chunked body');
      if (nl < 0) continue;
      const line = this.line.replace(/\r?\n$/, '');
      this.line = '';
      if (this.state === 'data-end') {
        if (line !== '') throw netError('UND_ERR_SOCKET', 'storage sent a malformed chunked body');
        this.state = 'size';
      } else if (this.state === 'size') {
        const m = /^([0-9a-fA-F]{1,12})(?:;.*)?$/.exec(line);
        if (!m) throw netError('UND_ERR_SOCKET', 'storage sent a malformed chunk size');
        this.left = parseInt(m[1] as string, 16);
        this.state = this.left === 0 ? 'trailer' : 'data';
      } else if (line === '') this.state = 'done'; // end of the trailer
    }
    return i;
  }
}
