// Settings → Appearance: language, theme, and whether closing the window keeps Courier in the tray.
import { useTranslation } from 'react-i18next';
import { SettingCheck, SettingSelect } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

export function AppearanceCard({ settings, save }: Omit<SettingsCardProps, 'errors'>) {
  const { t } = useTranslation();
  return (
    <section className="card grid" aria-labelledby="appearance-h">
      <h2 id="appearance-h">{t('settings.appearance')}</h2>
      <SettingSelect
        label={t('settings.language')}
        value={settings.appearance.language}
        options={[
          ['system', t('settings.followSystem')],
          ['en', 'English'],
          ['ja', '日本語'],
        ]}
        onSave={(language) => save({ appearance: { language } }, 'appearance.language')}
      />
      <SettingSelect
        label={t('settings.theme')}
        value={settings.appearance.theme}
        options={[
          ['system', t('settings.followSystem')],
          ['light', t('settings.light')],
          ['dark', t('settings.dark')],
        ]}
        onSave={(theme) => save({ appearance: { theme } }, 'appearance.theme')}
      />
      <SettingCheck checked={settings.app.keepRunningInTray} onSave={(on) => save({ app: { keepRunningInTray: on } }, 'app.keepRunningInTray')}>
        {t('settings.keepRunning')}
      </SettingCheck>
    </section>
  );
}
