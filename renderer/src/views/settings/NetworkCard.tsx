// Settings → Network: which proxy (the explicit one with its address and credentials) and extra CAs.
import { useTranslation } from 'react-i18next';
import { transportKind } from '../../api/client';
import { ProxyPassword } from './ProxyPassword';
import { SettingSelect, SettingText } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

function ExplicitProxy({ settings, errors, save }: SettingsCardProps) {
  const { t } = useTranslation();
  return (
    <>
      <SettingText
        label={t('settings.proxyUrl')}
        error={errors['network.proxyUrl']}
        type="url"
        placeholder="http://proxy.example.com:8080"
        value={settings.network.proxyUrl}
        onSave={(text) => void save({ network: { proxyUrl: text.trim() } }, 'network.proxyUrl')}
      />
      <SettingText
        label={t('settings.proxyUser')}
        value={settings.network.proxyUsername}
        onSave={(text) => void save({ network: { proxyUsername: text.trim() } }, 'network.proxyUsername')}
      />
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
      <SettingSelect
        label={t('settings.proxy')}
        {...(settings.network.proxy === 'system' ? { hint: systemHint } : {})}
        value={settings.network.proxy}
        options={[
          ['system', t('settings.proxySystem')],
          ['none', t('settings.proxyNone')],
          ['explicit', t('settings.proxyExplicit')],
        ]}
        onSave={(proxy) => save({ network: { proxy } }, 'network.proxy')}
      />
      {settings.network.proxy === 'explicit' && <ExplicitProxy {...props} />}
      <SettingText
        label={t('settings.caBundle')}
        hint={t('settings.caBundleHint')}
        error={errors['network.caBundlePath']}
        value={settings.network.caBundlePath}
        onSave={(text) => void save({ network: { caBundlePath: text.trim() } }, 'network.caBundlePath')}
      />
    </section>
  );
}
