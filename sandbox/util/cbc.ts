import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** The platform's whole-file format: AES-256-CBC, PKCS7, random key and IV per file. */
export interface Encrypted {
  cipher: Buffer;
  key: Buffer;
  iv: Buffer;
  sha512: string;
}

export function encryptWhole(plain: Buffer): Encrypted {
  const key = randomBytes(32);
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', key, iv);
  return { cipher: Buffer.concat([c.update(plain), c.final()]), key, iv, sha512: createHash('sha512').update(plain).digest('hex') };
}

/** Plaintext length of a CBC object, from its last block (the padding byte count). */
export function plainLength(cipherSize: number, lastTwoBlocks: Buffer, key: Buffer, fileIv: Buffer): number {
  if (cipherSize === 0 || cipherSize % 16 !== 0) throw new Error('ciphertext is not a whole number of AES blocks');
  const iv = cipherSize === 16 ? fileIv : lastTwoBlocks.subarray(0, 16);
  const last = lastTwoBlocks.subarray(lastTwoBlocks.length - 16);
  const d = createDecipheriv('aes-256-cbc', key, iv);
  d.setAutoPadding(false);
  const block = Buffer.concat([d.update(last), d.final()]);
  const pad = block[15]!;
  if (pad < 1 || pad > 16 || !block.subarray(16 - pad).every((b) => b === pad)) throw new Error('bad padding: wrong key or IV');
  return cipherSize - pad;
}

/** Where to read ciphertext to produce plaintext bytes [start, end]: from the block before, used as IV. */
export function cipherWindow(start: number, end: number): { from: number; to: number; skip: number; useFileIv: boolean } {
  const startBlock = Math.floor(start / 16);
  const endBlock = Math.floor(end / 16);
  const useFileIv = startBlock === 0;
  return { from: useFileIv ? 0 : (startBlock - 1) * 16, to: (endBlock + 1) * 16 - 1, skip: start - startBlock * 16, useFileIv };
}

/** Decrypts a ciphertext window (see cipherWindow) and cuts out exactly `length` plaintext bytes. */
export function decryptWindow(cipher: Readable, key: Buffer, fileIv: Buffer, useFileIv: boolean, skip: number, length: number): Readable {
  let iv: Buffer | null = useFileIv ? fileIv : null;
  let head = Buffer.alloc(0);
  let decipher: ReturnType<typeof createDecipheriv> | null = null;
  let toSkip = skip;
  let left = length;
  const emit = (out: Transform, plain: Buffer) => {
    let p = plain;
    if (toSkip > 0) {
      const n = Math.min(toSkip, p.length);
      p = p.subarray(n);
      toSkip -= n;
    }
    if (left <= 0 || p.length === 0) return;
    const take = p.subarray(0, left);
    left -= take.length;
    out.push(take);
  };
  const t = new Transform({
    transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback) {
      let c = chunk;
      if (!iv) {
        head = Buffer.concat([head, c]);
        if (head.length < 16) return cb();
        iv = head.subarray(0, 16);
        c = head.subarray(16);
      }
      decipher ??= createDecipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      emit(this, decipher.update(c));
      cb();
    },
    flush(cb: TransformCallback) {
      if (decipher) emit(this, decipher.final());
      cb();
    },
  });
  cipher.on('error', (err) => t.destroy(err));
  return cipher.pipe(t);
}
