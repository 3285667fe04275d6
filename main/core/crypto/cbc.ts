// Rescale-compatible whole-file AES-256-CBC (see docs/rescale-protocol.md, "Encryption").
//
// One CBC chain covers the whole object, so multipart parts are encrypted in order, each
// starting from the previous part's last ciphertext block, and only the final part is padded
// (PKCS7). The stored object is therefore identical to `openssl enc -aes-256-cbc` output and
// can be decrypted from any 16-byte boundary: the block before it is the IV.
//
// Node's crypto (OpenSSL underneath) does the block work; this module only handles chaining,
// padding and the size arithmetic, which no library does for a split CBC stream.
import { createCipheriv, createDecipheriv, randomBytes, type Cipher, type Decipher } from 'node:crypto';

export const BLOCK = 16;
export const KEY_BYTES = 32;
const ALGO = 'aes-256-cbc';
// Feeding OpenSSL 256 KiB at a time is ~1.5x faster than one huge update() (a huge update() pays for allocating one large output buffer).
const UPDATE_CHUNK = 256 * 1024;

export class CorruptCiphertextError extends Error {
  readonly code = 'corrupt_object';
  constructor(message: string) {
    super(message);
    this.name = 'CorruptCiphertextError';
  }
}

export interface FileSecrets {
  key: Buffer;
  iv: Buffer;
}

export function newFileSecrets(): FileSecrets {
  return { key: randomBytes(KEY_BYTES), iv: randomBytes(BLOCK) };
}

/** Ciphertext length for a plaintext length: PKCS7 always adds 1..16 bytes. */
export function cipherSize(plainSize: number): number {
  return (Math.floor(plainSize / BLOCK) + 1) * BLOCK;
}

/** Standard, padded base64, as Rescale stores `encodedEncryptionKey` and `x-amz-meta-iv`. */
export function encodeB64(buf: Uint8Array): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64');
}

export function decodeKey(b64: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  if (key.length !== KEY_BYTES) throw new CorruptCiphertextError(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return key;
}

export function decodeIv(b64: string): Buffer {
  const iv = Buffer.from(b64, 'base64');
  if (iv.length !== BLOCK) throw new CorruptCiphertextError(`IV must be ${BLOCK} bytes, got ${iv.length}`);
  return iv;
}

function cipherFor(key: Uint8Array, iv: Uint8Array): Cipher {
  const c = createCipheriv(ALGO, key, iv);
  c.setAutoPadding(false); // padding is ours: only the last part of the chain is padded
  return c;
}

export function pkcs7Padding(plainLength: number): Buffer {
  const n = BLOCK - (plainLength % BLOCK);
  return Buffer.alloc(n, n);
}

/**
 * Encrypts one part of the chain. `plain` must be a multiple of 16 bytes unless `final`.
 * Returns the ciphertext as a list of chunks (no concatenation copy) and its last block,
 * which is the IV of the next part.
 */
export function encryptPart(key: Uint8Array, iv: Uint8Array, plain: Buffer, final: boolean): { chunks: Buffer[]; length: number; lastBlock: Buffer } {
  if (!final && plain.length % BLOCK !== 0) throw new Error('a non-final part must be a multiple of 16 bytes');
  const c = cipherFor(key, iv);
  const chunks: Buffer[] = [];
  let length = 0;
  const push = (b: Buffer): void => {
    if (b.length > 0) {
      chunks.push(b);
      length += b.length;
    }
  };
  const whole = final ? plain.length - (plain.length % BLOCK) : plain.length;
  for (let off = 0; off < whole; off += UPDATE_CHUNK) push(c.update(plain.subarray(off, Math.min(whole, off + UPDATE_CHUNK))));
  if (final) {
    const tail = plain.subarray(whole);
    push(c.update(Buffer.concat([tail, pkcs7Padding(tail.length)])));
  }
  push(c.final()); // no padding: emits nothing, but releases OpenSSL state
  return { chunks, length, lastBlock: lastBlockOf(chunks) };
}

/**
 * Streaming form of encryptPart for large parts: plaintext slices go in as they are read,
 * ciphertext is written into a caller-owned (pooled) buffer, so a part never needs a plaintext
 * copy and a fresh ciphertext allocation of its full size.
 */
export class PartEncryptor {
  private readonly c: Cipher;
  private written = 0;

  constructor(
    key: Uint8Array,
    iv: Uint8Array,
    private readonly out: Buffer,
  ) {
    this.c = cipherFor(key, iv);
  }

  /** `slice` must be block-aligned unless it is the last slice of the final part (`pad`). */
  push(slice: Buffer, pad: boolean): void {
    const whole = pad ? slice.length - (slice.length % BLOCK) : slice.length;
    if (!pad && whole % BLOCK !== 0) throw new Error('a non-final slice must be a multiple of 16 bytes');
    for (let off = 0; off < whole; off += UPDATE_CHUNK) this.put(this.c.update(slice.subarray(off, Math.min(whole, off + UPDATE_CHUNK))));
    if (pad) {
      const tail = slice.subarray(whole);
      this.put(this.c.update(Buffer.concat([tail, pkcs7Padding(tail.length)])));
    }
  }

  private put(b: Buffer): void {
    b.copy(this.out, this.written);
    this.written += b.length;
  }

  /** Ends the part: its ciphertext length and last block (the next part's IV). */
  finish(): { length: number; lastBlock: Buffer } {
    this.c.final();
    if (this.written < BLOCK) throw new Error('ciphertext shorter than one block');
    return { length: this.written, lastBlock: Buffer.from(this.out.subarray(this.written - BLOCK, this.written)) };
  }
}

function lastBlockOf(chunks: Buffer[]): Buffer {
  const out = Buffer.alloc(BLOCK);
  let need = BLOCK;
  for (let i = chunks.length - 1; i >= 0 && need > 0; i--) {
    const c = chunks[i] as Buffer;
    const take = Math.min(need, c.length);
    c.copy(out, need - take, c.length - take);
    need -= take;
  }
  if (need !== 0) throw new Error('ciphertext shorter than one block');
  return out;
}

/**
 * Decrypts a contiguous ciphertext range that starts on a block boundary.
 * `iv` is the object IV for offset 0, else the ciphertext block just before the range.
 * When `final` (the range ends at the end of the object) the PKCS7 padding is checked and
 * removed; it is only removed there, so a range in the middle is never mistaken for the end.
 */
export class RangeDecryptor {
  private readonly d: Decipher;
  private pending: Buffer | null = null; // < 16 bytes not yet a whole block
  private held: Buffer | null = null; // last plaintext block, held back until finish()
  private cipherBytes = 0;

  constructor(
    key: Uint8Array,
    iv: Uint8Array,
    private readonly final: boolean,
  ) {
    this.d = createDecipheriv(ALGO, key, iv);
    this.d.setAutoPadding(false);
  }

  /**
   * Returns the plaintext that is safe to write now, as pieces in order. Pieces, not one
   * buffer: network chunks are rarely block-aligned, and concatenating them would copy every
   * byte once more (it showed up as 10 % of a download's CPU).
   */
  update(chunk: Buffer): Buffer[] {
    this.cipherBytes += chunk.length;
    const out: Buffer[] = [];
    let rest = chunk;
    if (this.pending) {
      const need = BLOCK - this.pending.length;
      if (rest.length < need) {
        this.pending = Buffer.concat([this.pending, rest]);
        return out;
      }
      this.emit(this.d.update(Buffer.concat([this.pending, rest.subarray(0, need)])), out);
      rest = rest.subarray(need);
      this.pending = null;
    }
    const whole = rest.length - (rest.length % BLOCK);
    if (whole < rest.length) this.pending = Buffer.from(rest.subarray(whole));
    if (whole > 0) this.emit(this.d.update(rest.subarray(0, whole)), out);
    return out;
  }

  private emit(plain: Buffer, out: Buffer[]): void {
    if (plain.length === 0) return;
    if (!this.final) {
      out.push(plain);
      return;
    }
    // Hold back the last block: it may carry the padding.
    if (this.held) out.push(this.held);
    this.held = Buffer.from(plain.subarray(plain.length - BLOCK));
    if (plain.length > BLOCK) out.push(plain.subarray(0, plain.length - BLOCK));
  }

  /** Returns the remaining plaintext (the unpadded tail when final). */
  finish(): Buffer {
    this.d.final();
    if (this.pending) {
      throw new CorruptCiphertextError(`ciphertext length ${this.cipherBytes} is not a multiple of 16 (truncated or corrupt object)`);
    }
    if (!this.final) return Buffer.alloc(0);
    if (!this.held) throw new CorruptCiphertextError('ciphertext is empty; an encrypted object is at least one block');
    return unpad(this.held);
  }
}

/** Strips PKCS7 padding from the last plaintext block; a bad pad means a wrong key/IV or a corrupt object. */
export function unpad(lastBlock: Buffer): Buffer {
  const n = lastBlock[BLOCK - 1] ?? 0;
  if (lastBlock.length !== BLOCK || n < 1 || n > BLOCK) throw new CorruptCiphertextError('invalid PKCS7 padding (wrong key/IV or corrupt object)');
  for (let i = BLOCK - n; i < BLOCK; i++) {
    if (lastBlock[i] !== n) throw new CorruptCiphertextError('invalid PKCS7 padding (wrong key/IV or corrupt object)');
  }
  return Buffer.from(lastBlock.subarray(0, BLOCK - n));
}

/** Checks an object's ciphertext size against the plaintext size its record claims. */
export function checkCipherSize(objectSize: number, decryptedSize: number): void {
  if (objectSize % BLOCK !== 0) {
    throw new CorruptCiphertextError(`stored object is ${objectSize} bytes, not a multiple of 16: truncated or not encrypted`);
  }
  if (objectSize !== cipherSize(decryptedSize)) {
    throw new CorruptCiphertextError(`stored object is ${objectSize} bytes but a ${decryptedSize}-byte file encrypts to ${cipherSize(decryptedSize)}`);
  }
}
