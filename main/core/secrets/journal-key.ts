import { randomBytes } from 'node:crypto';
import { CourierError } from '../../../shared/errors';
import { createAesGcmSealer, type Sealer } from '../transfer/sealer';
import type { SecretStore } from './store';

/**
 * The key that seals per-file encryption keys inside the transfer journal and the outbox:
 * 32 random bytes kept in the keychain, created on first use. With a memory-only key store
 * it lives for this run, so unfinished uploads restart from the beginning after a restart
 * (downloads do not need it: their key comes from the file record).
 */
export async function journalSealer(secrets: SecretStore): Promise<Sealer> {
  let b64: string | null;
  try {
    b64 = await secrets.get('journal-key');
  } catch (e) {
    // A store that did not answer (a locked keychain, a D-Bus hiccup) is not an empty one: a new
    // key would overwrite the stored one and make every unfinished upload unreadable (and so
    // started over). Transfers wait for the store instead.
    throw new CourierError(
      'unavailable',
      `The key store (${secrets.backend}) did not answer, so unfinished transfers cannot be read yet: unlock the keychain and try again (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
  if (!b64) {
    b64 = randomBytes(32).toString('base64');
    await secrets.set('journal-key', b64).catch(() => undefined);
  }
  return createAesGcmSealer(Buffer.from(b64, 'base64'));
}
