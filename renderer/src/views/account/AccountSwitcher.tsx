import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { platformLabel } from '../../lib/key-store';
import { useNavigation } from '../../stores/navigation';
import { useSettings } from '../../stores/settings';

const MANAGE = '__manage__';

/** The sidebar says whose account everything in the window belongs to, and switches in one step. */
export function AccountSwitcher() {
  const { t } = useTranslation();
  const accounts = useSettings((s) => s.accounts);
  const go = useNavigation((s) => s.go);
  const [error, setError] = useState('');
  const active = accounts.find((a) => a.active);
  if (!active) return null;

  async function pick(id: string) {
    if (id === MANAGE) return go('settings');
    setError('');
    try {
      await api.accounts.use({ id });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }

  return (
    <div className="account-switcher">
      <label htmlFor="active-account" className="muted small">
        {t('account.active')}
      </label>
      <select id="active-account" value={active.id} onChange={(e) => void pick(e.target.value)} title={`${active.email} · ${platformLabel(t, active)}`}>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label}
          </option>
        ))}
        <option value={MANAGE}>{t('account.manage')}</option>
      </select>
      <span className="account-platform muted small" data-testid="active-platform">
        {platformLabel(t, active)}
      </span>
      {error && (
        <span className="error small" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
