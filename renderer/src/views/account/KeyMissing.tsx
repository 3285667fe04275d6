import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountViewModel } from '../../../../shared/contract/events';
import { api, ApiError } from '../../api/client';
import { SecretField } from '../../components/Field';
import { keyStoreKind, platformLabel } from '../../lib/key-store';
import { useSettings } from '../../stores/settings';

/**
 * Shown in place of a view when the active account's key is gone (a memory-only key store
 * after a restart): ask for the key again right here, instead of an error over an empty list.
 */
export function KeyMissing({ account }: { account: AccountViewModel }) {
  const { t } = useTranslation();
  const backend = useSettings((s) => s.keyStore?.backend);
  const [apiKey, setApiKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const sandbox = !!account.sandbox;

  async function run(fn: () => Promise<unknown>) {
    setBusy(true);
    setError('');
    try {
      await fn();
      setApiKey('');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  const why = keyStoreKind(backend) === 'memory' ? t('account.keyMissingMemory') : t('account.keyMissingOther', { backend: backend ?? '' });
  return (
    <section className="view key-missing" aria-labelledby="key-missing-title">
      <div className="card narrow">
        <h1 id="key-missing-title">{t('account.keyMissingTitle', { label: account.label })}</h1>
        <p>{why}</p>
        <p className="muted">
          {account.email} · {platformLabel(t, account)}
        </p>
        {sandbox ? (
          <button className="primary" disabled={busy} onClick={() => void run(() => api.accounts.addSandbox({}))}>
            {t('account.sandboxAgain')}
          </button>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => api.accounts.restoreKey({ id: account.id, apiKey }));
            }}
          >
            <SecretField label={t('signIn.apiKey')} error={error} hint={t('account.keyMissingHint')} autoComplete="off" value={apiKey} onChange={setApiKey} />
            <button className="primary" type="submit" disabled={busy}>
              {busy ? t('signIn.checking') : t('account.restore')}
            </button>
          </form>
        )}
        {sandbox && error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    </section>
  );
}
