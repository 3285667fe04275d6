// Encryption keys of unfinished transfers rest in the journal sealed by a key that lives in
// the OS keychain (the shell hands core a Sealer built from it). A reference AES-256-GCM
// sealer is provided for the CLI and tests.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

export interface Sealer {
  seal(plain: Buffer): Buffer;
  open(sealed: Buffer): Buffer;
}

const VERSION = 1;

/** Layout: version(1) ‖ nonce(12) ‖ tag(16) ‖ ciphertext. */
export function createAesGcmSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('sealer key must be 32 bytes');
  return {
    seal(plain) {
      const nonce = pooledRandomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([Buffer.from([VERSION]), nonce, c.getAuthTag(), ct]);
    },
    open(sealed) {
      if (sealed.length < 29 || sealed[0] !== VERSION) throw new Error('sealed value has an unknown format');
      const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
      d.setAuthTag(sealed.subarray(13, 29));
      return Buffer.concat([d.update(sealed.subarray(29)), d.final()]);
    },
  };
}
