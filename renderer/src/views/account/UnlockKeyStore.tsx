import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { SecretField } from '../../components/Field';

/**
 * Shown in place of every view while the encrypted key file waits for its passphrase (after a
 * restart): the accounts are all there, only their keys are locked.
 */
export function UnlockKeyStore() {
  const { t } = useTranslation();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await api.accounts.unlockKeyStore({ passphrase });
      setPassphrase('');
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'unauthorized' ? t('account.unlockWrong') : err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="view key-missing" aria-labelledby="unlock-title">
      <div className="card narrow">
        <h1 id="unlock-title">{t('account.unlockTitle')}</h1>
        <p>{t('account.unlockText', { file: 'keys.encrypted.json' })}</p>
        <form onSubmit={(e) => void submit(e)}>
          <SecretField label={t('account.passphrase')} error={error} autoComplete="current-password" value={passphrase} onChange={setPassphrase} />
          <button className="primary" type="submit" disabled={busy}>
            {busy ? t('signIn.checking') : t('account.unlock')}
          </button>
        </form>
      </div>
    </section>
  );
}
