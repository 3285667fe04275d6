import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountViewModel } from '../../../shared/contract/accounts';
import { api, ApiError } from '../api/client';
import { keyStoreKind } from '../lib/key-store';
import { useSettings } from '../stores/settings';
import { Field } from './Field';
import { KeyStorePicker, type StorePick } from './KeyStorePicker';

type PlatformChoice = string; // a known platform id, 'custom' or 'sandbox'

/** Pick a platform (or the local Sandbox), paste an API key, see who you are signed in as. */
export function SignIn({ onDone }: { onDone?: (a: AccountViewModel) => void }) {
  const { t } = useTranslation();
  const [platforms, setPlatforms] = useState<{ id: string; name: string }[]>([]);
  const [sandbox, setSandbox] = useState(false);
  const [choice, setChoice] = useState<PlatformChoice>('rescale-com');
  const [customUrl, setCustomUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [signedIn, setSignedIn] = useState<AccountViewModel | null>(null);
  const keyStore = useSettings((s) => s.keyStore);
  const [pick, setPick] = useState<StorePick>({ choice: 'memory', passphrase: '', again: '' });
  // Where no keychain answers and nothing lasting was chosen yet, the person picks where the key goes.
  const picking = choice !== 'sandbox' && keyStore?.kind === 'memory' && !!keyStore.choices?.includes('encrypted-file');
  // Say where the key will go before it is typed: a keychain, memory only, an encrypted or an opted-in file.
  const kind = picking ? (pick.choice === 'encrypted-file' ? 'encrypted' : pick.choice) : keyStoreKind(keyStore?.backend);
  const keyHint = {
    keychain: 'signIn.apiKeyHint',
    memory: 'account.apiKeyHintMemory',
    file: 'account.apiKeyHintFile',
    encrypted: 'account.apiKeyHintEncrypted',
  }[kind];

  useEffect(() => {
    void api.accounts.platforms({}).then((p) => {
      setPlatforms(p.platforms);
      setSandbox(p.sandbox);
    });
  }, []);

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
      setPick({ choice: 'memory', passphrase: '', again: '' });
      setSignedIn(account);
      onDone?.(account);
    } catch (err) {
      setError(err instanceof ApiError ? { message: err.message, ...(err.field ? { field: err.field } : {}) } : { message: String(err) });
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (f: string) => (error?.field === f || (f === 'platform' && error?.field === 'apiUrl') ? error.message : undefined);
  const general = error && !['apiKey', 'platform', 'apiUrl', 'passphrase', 'passphraseAgain'].includes(error.field ?? '') ? error.message : undefined;

  return (
    <form className="sign-in" onSubmit={(e) => void submit(e)} aria-label={t('signIn.title')}>
      <Field label={t('signIn.platform')} error={fieldError('platform')}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={choice} onChange={(e) => setChoice(e.target.value)}>
            {platforms.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="custom">{t('signIn.custom')}</option>
            {sandbox && <option value="sandbox">{t('signIn.sandbox')}</option>}
          </select>
        )}
      </Field>
      {choice === 'custom' && (
        <Field label={t('signIn.customUrl')} error={fieldError('platform')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="url"
              placeholder="https://platform.example.com"
              value={customUrl}
              onChange={(e) => setCustomUrl(e.target.value)}
              required
            />
          )}
        </Field>
      )}
      {picking && keyStore?.choices && (
        <KeyStorePicker
          choices={keyStore.choices}
          value={pick}
          onChange={(v) => (setPick(v), setError(null))}
          errors={{ passphrase: fieldError('passphrase'), again: fieldError('passphraseAgain') }}
        />
      )}
      {choice === 'sandbox' ? (
        <p className="hint">{t('signIn.sandboxHint')}</p>
      ) : (
        <Field label={t('signIn.apiKey')} error={fieldError('apiKey')} hint={t(keyHint)}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={apiKey}
              onChange={(e) => setApiKey(e.target.value)}
              required
            />
          )}
        </Field>
      )}
      {general && (
        <p className="error" role="alert">
          {general}
        </p>
      )}
      <button className="primary" type="submit" disabled={busy}>
        {busy ? t('signIn.checking') : t('signIn.submit')}
      </button>
      {signedIn && (
        <p className="ok" role="status">
          {t('signIn.signedInAs', {
            email: signedIn.email,
            where: signedIn.workspace ? `${signedIn.workspace} · ${signedIn.platformLabel}` : signedIn.platformLabel,
          })}
        </p>
      )}
    </form>
  );
}
