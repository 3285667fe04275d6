import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccountViewModel } from '../../../../shared/contract/events';
import { api, ApiError } from '../../api/client';
import { platformLabel } from '../../lib/key-store';
import { useSettings } from '../../stores/settings';

function AccountRow({ a }: { a: AccountViewModel }) {
  const { t } = useTranslation();
  const [renaming, setRenaming] = useState(false);
  const [label, setLabel] = useState(a.label);
  const [error, setError] = useState('');
  const run = async (fn: () => Promise<unknown>) => {
    try {
      setError('');
      await fn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <li className={a.active ? 'account active' : 'account'}>
      <div className="account-main">
        {renaming ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void run(() => api.accounts.rename({ id: a.id, label })).then(() => setRenaming(false));
            }}
          >
            <input aria-label={t('settings.accountName')} value={label} onChange={(e) => setLabel(e.target.value)} autoFocus />
            <button type="submit">{t('common.save')}</button>
          </form>
        ) : (
          <strong>{a.label}</strong>
        )}
        <span className="muted">
          {a.email} · {a.workspace ? `${a.workspace} · ` : ''}
          {platformLabel(t, a)}
        </span>
        {error && (
          <span className="error" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="actions">
        {a.active ? (
          <span className="tag">{t('settings.active')}</span>
        ) : (
          <button onClick={() => void run(() => api.accounts.use({ id: a.id }))}>{t('settings.use')}</button>
        )}
        <button onClick={() => setRenaming((r) => !r)}>{t('settings.rename')}</button>
        <button
          className="danger"
          onClick={() => window.confirm(t('settings.removeConfirm', { label: a.label })) && void run(() => api.accounts.remove({ id: a.id }))}
        >
          {t('settings.signOut')}
        </button>
      </div>
    </li>
  );
}

export function AccountsList() {
  const { t } = useTranslation();
  const accounts = useSettings((s) => s.accounts);
  if (accounts.length === 0) return <p className="muted">{t('settings.noAccounts')}</p>;
  return (
    <ul className="accounts">
      {accounts.map((a) => (
        <AccountRow key={a.id} a={a} />
      ))}
    </ul>
  );
}
