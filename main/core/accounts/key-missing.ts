import { CourierError } from '../../../shared/errors';
/**
 * This process has no key for the account (a memory-only store after a restart, or another
 * process's key store on a shared data folder): nothing the platform said, so nothing to give
 * up on; work for the account waits for a process that has the key.
 */
export class KeyMissingError extends CourierError {
  constructor(
    readonly accountId: string,
    message: string,
    text?: { key: string; params: Record<string, string> },
  ) {
    super('unauthorized', message, text ? { text } : {});
  }
}
