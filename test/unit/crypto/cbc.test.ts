import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BLOCK,
  CorruptCiphertextError,
  RangeDecryptor,
  checkCipherSize,
  cipherSize,
  decodeKey,
  encodeB64,
  encryptPart,
  newFileSecrets,
  unpad,
} from '../../../main/core/crypto';

const dir = mkdtempSync(join(tmpdir(), 'courier-cbc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function openssl(args: string[], input: Buffer): Buffer {
  const inFile = join(dir, `in-${randomBytes(4).toString('hex')}`);
  writeFileSync(inFile, input);
  try {
    return execFileSync('openssl', ['enc', ...args, '-in', inFile], { maxBuffer: 1 << 30 });
  } finally {
    rmSync(inFile);
  }
}

/** Encrypts like a multipart upload: one chain, parts of `partSize`, only the last padded. */
function chainEncrypt(key: Buffer, iv: Buffer, plain: Buffer, partSize: number): Buffer {
  const out: Buffer[] = [];
  let prev: Buffer = iv;
  const count = Math.max(1, Math.ceil(plain.length / partSize));
  for (let i = 0; i < count; i++) {
    const part = plain.subarray(i * partSize, Math.min(plain.length, (i + 1) * partSize));
    const enc = encryptPart(key, prev, part, i === count - 1);
    expect(enc.length).toBe(i === count - 1 ? cipherSize(part.length) : part.length);
    out.push(...enc.chunks);
    prev = enc.lastBlock;
  }
  return Buffer.concat(out);
}

function decryptWhole(key: Buffer, iv: Buffer, cipher: Buffer, chunk = 4096): Buffer {
  const d = new RangeDecryptor(key, iv, true);
  const out: Buffer[] = [];
  for (let o = 0; o < cipher.length; o += chunk) out.push(...d.update(cipher.subarray(o, o + chunk)));
  out.push(d.finish());
  return Buffer.concat(out);
}

const hex = (b: Buffer): string => b.toString('hex');

describe('AES-256-CBC, Rescale format', () => {
  const sizes = [0, 1, 15, 16, 17, 4096, 65_536, 65_536 * 3 + 7, 1_048_576 + 16];

  it.each(sizes)('a %i-byte file decrypts with openssl enc -d to the same bytes', (n) => {
    const { key, iv } = newFileSecrets();
    const plain = randomBytes(n);
    const cipher = chainEncrypt(key, iv, plain, 65_536);
    expect(cipher.length).toBe(cipherSize(n));
    const back = openssl(['-d', '-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], cipher);
    expect(back.equals(plain)).toBe(true);
  });

  it('an empty file is exactly one 16-byte block', () => {
    const { key, iv } = newFileSecrets();
    const enc = encryptPart(key, iv, Buffer.alloc(0), true);
    expect(enc.length).toBe(BLOCK);
    expect(openssl(['-d', '-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], Buffer.concat(enc.chunks)).length).toBe(0);
  });

  it('the chained multipart object is byte-identical to openssl enc output, for any part split', () => {
    const { key, iv } = newFileSecrets();
    const plain = randomBytes(300_001);
    const reference = openssl(['-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], plain);
    for (const partSize of [16, 4096, 65_536, 299_984, 300_000, 1 << 20]) {
      expect(chainEncrypt(key, iv, plain, partSize).equals(reference)).toBe(true);
    }
  });

  it('decrypts what openssl encrypted, whatever the network chunking', () => {
    const { key, iv } = newFileSecrets();
    const plain = randomBytes(123_457);
    const cipher = openssl(['-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], plain);
    for (const chunk of [1, 7, 15, 16, 17, 1000, 65_536, 1 << 20]) expect(decryptWhole(key, iv, cipher, chunk).equals(plain)).toBe(true);
  });

  it('decrypts ranges from any 16-byte boundary using the previous block as IV', () => {
    const { key, iv } = newFileSecrets();
    const plain = randomBytes(10_000);
    const cipher = chainEncrypt(key, iv, plain, 4096);
    const bounds = [0, 16, 160, 4096, 4112, 9984, cipher.length - 16];
    for (let i = 0; i < bounds.length; i++) {
      const from = bounds[i] as number;
      for (const to of [...bounds.filter((b) => b > from), cipher.length]) {
        const rangeIv = from === 0 ? iv : cipher.subarray(from - 16, from);
        const final = to === cipher.length;
        const d = new RangeDecryptor(key, rangeIv, final);
        const got = Buffer.concat([...d.update(cipher.subarray(from, to)), d.finish()]);
        const want = plain.subarray(from, final ? plain.length : to);
        expect(got.equals(want)).toBe(true);
      }
    }
  });

  it('rejects a ciphertext whose length is not a multiple of 16 (truncated)', () => {
    const { key, iv } = newFileSecrets();
    const cipher = chainEncrypt(key, iv, randomBytes(100), 4096);
    expect(() => decryptWhole(key, iv, cipher.subarray(0, cipher.length - 3))).toThrow(CorruptCiphertextError);
    expect(() => checkCipherSize(cipher.length - 3, 100)).toThrow(/not a multiple of 16/);
    expect(() => checkCipherSize(cipher.length + 16, 100)).toThrow(CorruptCiphertextError);
    expect(() => checkCipherSize(cipher.length, 100)).not.toThrow();
  });

  it('detects a wrong key through the padding check', () => {
    const { key, iv } = newFileSecrets();
    const cipher = chainEncrypt(key, iv, randomBytes(1000), 4096);
    let failures = 0;
    for (let i = 0; i < 20; i++) {
      try {
        decryptWhole(randomBytes(32), iv, cipher);
      } catch (e) {
        expect(e).toBeInstanceOf(CorruptCiphertextError);
        failures++;
      }
    }
    expect(failures).toBeGreaterThanOrEqual(18); // a random block has valid padding ~1/256 of the time
  });

  it('validates PKCS7 strictly', () => {
    expect(unpad(Buffer.from([...Array(12).fill(7), 4, 4, 4, 4])).length).toBe(12);
    expect(() => unpad(Buffer.from([...Array(12).fill(7), 4, 4, 3, 4]))).toThrow(CorruptCiphertextError);
    expect(() => unpad(Buffer.alloc(16, 0))).toThrow(CorruptCiphertextError);
    expect(() => unpad(Buffer.alloc(16, 17))).toThrow(CorruptCiphertextError);
  });

  it('refuses a non-final part that is not block aligned', () => {
    const { key, iv } = newFileSecrets();
    expect(() => encryptPart(key, iv, randomBytes(17), false)).toThrow();
  });

  it('encodes keys as standard padded base64 (44 chars) and round-trips them', () => {
    const { key } = newFileSecrets();
    const b64 = encodeB64(key);
    expect(b64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(decodeKey(b64).equals(key)).toBe(true);
    expect(() => decodeKey('AAAA')).toThrow(CorruptCiphertextError);
  });

  it('interoperates through files too (openssl writes, we read)', () => {
    const { key, iv } = newFileSecrets();
    const plain = randomBytes(50_000);
    const p = join(dir, 'plain.bin');
    writeFileSync(p, plain);
    const c = join(dir, 'cipher.bin');
    execFileSync('openssl', ['enc', '-aes-256-cbc', '-K', hex(key), '-iv', hex(iv), '-in', p, '-out', c]);
    expect(decryptWhole(key, iv, readFileSync(c)).equals(plain)).toBe(true);
  });
});
