import i18next from 'i18next';
import type { RpcError } from '../../../shared/errors';

/**
 * An error from main in the person's language: main sends English (for logs and the CLI) and,
 * for the errors people meet most, a key with parameters. A known key is translated; any other
 * error in another language says what kind it is, with main's English as the detail.
 */
export function errorMessage(err: RpcError): string {
  if (err.text && i18next.exists(`errors.${err.text.key}`)) return i18next.t(`errors.${err.text.key}`, err.text.params);
  if (!i18next.language || i18next.language.startsWith('en')) return err.message;
  return i18next.t('errors.fallback', { what: i18next.t(`errors.code.${err.code}`), detail: err.message });
}
