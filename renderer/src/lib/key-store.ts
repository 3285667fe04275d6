/** Which kind of key store main reports, so the UI can say in the user's language where a key goes. */
export type KeyStoreKind = 'keychain' | 'memory' | 'file' | 'encrypted';

export function keyStoreKind(backend: string | undefined): KeyStoreKind {
  if (!backend) return 'keychain';
  if (backend.startsWith('memory')) return 'memory';
  if (backend.startsWith('encrypted-file')) return 'encrypted';
  if (backend.startsWith('file')) return 'file';
  return 'keychain';
}

/** The sandbox's label comes from main in English; the UI names it in the user's language. */
export function platformLabel(t: (k: string) => string, a: { platformLabel: string; sandbox?: boolean }): string {
  return a.sandbox ? t('account.sandboxPlatform') : a.platformLabel;
}
