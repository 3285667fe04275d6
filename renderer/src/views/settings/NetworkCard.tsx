// Settings → Network: which proxy (the explicit one with its address and credentials) and extra CAs.
import { useTranslation } from 'react-i18next';
import { transportKind } from '../../api/client';
import { Field } from '../../components/Field';
import { ProxyPassword } from './ProxyPassword';
import type { SettingsCardProps } from './useSettingsSaver';

function ExplicitProxy({ settings, errors, save }: SettingsCardProps) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('settings.proxyUrl')} error={errors['network.proxyUrl']}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="url"
            placeholder="http://proxy.example.com:8080"
            defaultValue={settings.network.proxyUrl}
            onBlur={(e) => void save({ network: { proxyUrl: e.target.value.trim() } }, 'network.proxyUrl')}
          />
        )}
      </Field>
      <Field label={t('settings.proxyUser')}>
        {(id) => (
          <input
            id={id}
            defaultValue={settings.network.proxyUsername}
            onBlur={(e) => void save({ network: { proxyUsername: e.target.value.trim() } }, 'network.proxyUsername')}
          />
        )}
      </Field>
      <ProxyPassword saved={settings.network.proxyPasswordSetAt > 0} />
    </>
  );
}

export function NetworkCard(props: SettingsCardProps) {
  const { t } = useTranslation();
  const { settings, errors, save } = props;
  const systemHint = t(transportKind === 'ipc' ? 'settings.proxySystemHintApp' : 'settings.proxySystemHintWeb');
  return (
    <section className="card grid" aria-labelledby="network-h">
      <h2 id="network-h">{t('settings.network')}</h2>
      <Field label={t('settings.proxy')} {...(settings.network.proxy === 'system' ? { hint: systemHint } : {})}>
        {(id, d) => (
          <select
            id={id}
            aria-describedby={d}
            value={settings.network.proxy}
            onChange={(e) => void save({ network: { proxy: e.target.value as 'none' | 'system' | 'explicit' } }, 'network.proxy')}
          >
            <option value="system">{t('settings.proxySystem')}</option>
            <option value="none">{t('settings.proxyNone')}</option>
            <option value="explicit">{t('settings.proxyExplicit')}</option>
          </select>
        )}
      </Field>
      {settings.network.proxy === 'explicit' && <ExplicitProxy {...props} />}
      <Field label={t('settings.caBundle')} hint={t('settings.caBundleHint')} error={errors['network.caBundlePath']}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            defaultValue={settings.network.caBundlePath}
            onBlur={(e) => void save({ network: { caBundlePath: e.target.value.trim() } }, 'network.caBundlePath')}
          />
        )}
      </Field>
    </section>
  );
}
