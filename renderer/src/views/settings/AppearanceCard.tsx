// Settings → Appearance: language, theme, and whether closing the window keeps Courier in the tray.
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import type { SettingsCardProps } from './useSettingsSaver';

export function AppearanceCard({ settings, save }: Omit<SettingsCardProps, 'errors'>) {
  const { t } = useTranslation();
  return (
    <section className="card grid" aria-labelledby="appearance-h">
      <h2 id="appearance-h">{t('settings.appearance')}</h2>
      <Field label={t('settings.language')}>
        {(id) => (
          <select
            id={id}
            value={settings.appearance.language}
            onChange={(e) => void save({ appearance: { language: e.target.value as 'system' | 'en' | 'ja' } }, 'appearance.language')}
          >
            <option value="system">{t('settings.followSystem')}</option>
            <option value="en">English</option>
            <option value="ja">日本語</option>
          </select>
        )}
      </Field>
      <Field label={t('settings.theme')}>
        {(id) => (
          <select
            id={id}
            value={settings.appearance.theme}
            onChange={(e) => void save({ appearance: { theme: e.target.value as 'system' | 'light' | 'dark' } }, 'appearance.theme')}
          >
            <option value="system">{t('settings.followSystem')}</option>
            <option value="light">{t('settings.light')}</option>
            <option value="dark">{t('settings.dark')}</option>
          </select>
        )}
      </Field>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.app.keepRunningInTray}
          onChange={(e) => void save({ app: { keepRunningInTray: e.target.checked } }, 'app.keepRunningInTray')}
        />{' '}
        {t('settings.keepRunning')}
      </label>
    </section>
  );
}
