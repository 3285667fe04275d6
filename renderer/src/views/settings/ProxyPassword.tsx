// The proxy password box: write-only, the password goes to the keychain and is never shown or
// sent back, so it saves through its own call rather than the settings patch.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { Field } from '../../components/Field';

export function ProxyPassword({ saved }: { saved: boolean }) {
  const { t } = useTranslation();
  const [error, setError] = useState('');
  const [value, setValue] = useState('');
  async function store(password: string) {
    try {
      await api.settings.setProxyPassword({ password });
      setValue('');
      setError('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }
  return (
    <Field label={t('settings.proxyPassword')} hint={saved ? t('settings.proxyPasswordSaved') : t('settings.proxyPasswordHint')} error={error}>
      {(id, d) => (
        <span className="inline-form">
          <input
            id={id}
            aria-describedby={d}
            type="password"
            autoComplete="off"
            value={value}
            placeholder={saved ? '••••••••' : ''}
            onChange={(e) => setValue(e.target.value)}
            onBlur={() => value && void store(value)}
          />
          {saved && (
            <button type="button" onClick={() => void store('')}>
              {t('settings.proxyPasswordForget')}
            </button>
          )}
        </span>
      )}
    </Field>
  );
}
