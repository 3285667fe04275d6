// The sign-in form's state and its submit: the platforms on offer, where the API key will be
// kept (a key store picked here when no keychain answers), and the error by field.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountViewModel } from '../../../shared/contract/events';
import { api, ApiError } from '../api/client';
import { keyStoreKind } from '../lib/key-store';
import { useSettings } from '../stores/settings';
import type { StorePick } from './KeyStorePicker';

type PlatformChoice = string; // a known platform id, 'custom' or 'sandbox'
type FormError = { field?: string; message: string } | null;

const keyHints = {
  keychain: 'signIn.apiKeyHint',
  memory: 'account.apiKeyHintMemory',
  file: 'account.apiKeyHintFile',
  encrypted: 'account.apiKeyHintEncrypted',
} as const;
const fieldsWithBoxes = ['apiKey', 'platform', 'apiUrl', 'passphrase', 'passphraseAgain'];
const noPick: StorePick = { choice: 'memory', passphrase: '', again: '' };

function usePlatforms() {
  const [platforms, setPlatforms] = useState<{ id: string; name: string }[]>([]);
  const [sandbox, setSandbox] = useState(false);
  useEffect(() => {
    void api.accounts.platforms({}).then((p) => {
      setPlatforms(p.platforms);
      setSandbox(p.sandbox);
    });
  }, []);
  return { platforms, sandbox };
}

export function useSignIn(onDone?: (a: AccountViewModel) => void) {
  const { t } = useTranslation();
  const { platforms, sandbox } = usePlatforms();
  const [choice, setChoice] = useState<PlatformChoice>('rescale-com');
  const [customUrl, setCustomUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<FormError>(null);
  const [signedIn, setSignedIn] = useState<AccountViewModel | null>(null);
  const keyStore = useSettings((s) => s.keyStore);
  const [pick, setPick] = useState<StorePick>(noPick);
  // Where no keychain answers and nothing lasting was chosen yet, the person picks where the key goes.
  const picking = choice !== 'sandbox' && keyStore?.kind === 'memory' && !!keyStore.choices?.includes('encrypted-file');
  // Say where the key will go before it is typed: a keychain, memory only, an encrypted or an opted-in file.
  const keyHint = keyHints[picking ? (pick.choice === 'encrypted-file' ? 'encrypted' : pick.choice) : keyStoreKind(keyStore?.backend)];

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (picking && pick.choice === 'encrypted-file' && pick.passphrase !== pick.again) {
      setError({ field: 'passphraseAgain', message: t('account.passphraseMismatch') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (picking && pick.choice !== 'memory')
        await api.accounts.chooseKeyStore({ kind: pick.choice, ...(pick.choice === 'encrypted-file' ? { passphrase: pick.passphrase } : {}) });
      const account =
        choice === 'sandbox'
          ? await api.accounts.addSandbox({})
          : await api.accounts.add({ platform: choice === 'custom' ? { kind: 'custom', apiUrl: customUrl } : { kind: 'known', id: choice }, apiKey });
      setApiKey('');
      setPick(noPick);
      setSignedIn(account);
      onDone?.(account);
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, ...(err.field ? { field: err.field } : {}) } : { message: String(err) });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error?.field === f || (f === 'platform' && error?.field === 'apiUrl') ? error.message : undefined);
  const general = error && !fieldsWithBoxes.includes(error.field ?? '') ? error.message : undefined;
  const choosePick = (v: StorePick) => (setPick(v), setError(null));
  return {
    platforms,
    sandbox,
    choice,
    setChoice,
    customUrl,
    setCustomUrl,
    apiKey,
    setApiKey,
    busy,
    signedIn,
    keyStore,
    picking,
    pick,
    choosePick,
    keyHint,
    submit,
    fieldError,
    general,
  };
}
