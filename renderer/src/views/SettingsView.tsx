import { useTranslation } from 'react-i18next';
import { useSettings } from '../stores/settings';
import { AccountsCard } from './settings/AccountsCard';
import { AppearanceCard } from './settings/AppearanceCard';
import { DownloadsCard } from './settings/DownloadsCard';
import { NetworkCard } from './settings/NetworkCard';
import { NotificationsCard } from './settings/NotificationsCard';
import { TransfersCard } from './settings/TransfersCard';
import { useSettingsSaver } from './settings/useSettingsSaver';

/** Every setting, one card per section; each change saves on its own (see useSettingsSaver). */
export function SettingsView() {
  const { t } = useTranslation();
  const settings = useSettings((s) => s.settings);
  const { errors, save } = useSettingsSaver();
  if (!settings) return null;
  const card = { settings, errors, save };
  return (
    <section className="view settings" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">{t('nav.settings')}</h1>
      </header>
      <AccountsCard />
      <TransfersCard {...card} />
      <DownloadsCard {...card} />
      <NotificationsCard {...card} />
      <NetworkCard {...card} />
      <AppearanceCard {...card} />
    </section>
  );
}
