import { randomBytes } from 'node:crypto';
import { createAesGcmSealer, type Sealer } from '../transfer/sealer';
import type { SecretStore } from './store';

/**
 * The key that seals per-file encryption keys inside the transfer journal and the outbox:
 * 32 random bytes kept in the keychain, created on first use. With a memory-only key store
 * it lives for this run, so unfinished uploads restart from the beginning after a restart
 * (downloads do not need it: their key comes from the file record).
 */
export async function journalSealer(secrets: SecretStore): Promise<Sealer> {
  let b64 = await secrets.get('journal-key').catch(() => null);
  if (!b64) {
    b64 = randomBytes(32).toString('base64');
    await secrets.set('journal-key', b64).catch(() => undefined);
  }
  return createAesGcmSealer(Buffer.from(b64, 'base64'));
}
