// Settings → Notifications: which events notify, the two job-time warnings, browser permission.
import { useTranslation } from 'react-i18next';
import { BrowserNotifications } from './BrowserNotifications';
import { NumberSettingField } from './NumberSettingField';
import { SettingCheck } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

const events = ['jobFinished', 'jobFailed', 'transferFailed', 'transfersDone'] as const;

export function NotificationsCard(props: SettingsCardProps) {
  const { t } = useTranslation();
  const { settings, save } = props;
  return (
    <section className="card" aria-labelledby="notify-h">
      <h2 id="notify-h">{t('settings.notifications')}</h2>
      {events.map((k) => (
        <SettingCheck key={k} checked={settings.notifications[k]} onSave={(on) => save({ notifications: { [k]: on } }, `notifications.${k}`)}>
          {t(`settings.notify.${k}`)}
        </SettingCheck>
      ))}
      <NumberSettingField {...props} setting="walltimeWarnMinutes" label={t('settings.walltimeWarn')} hint={t('settings.walltimeWarnHint')} />
      <NumberSettingField {...props} setting="longRunHours" label={t('settings.longRun')} hint={t('settings.longRunHint')} />
      <BrowserNotifications />
    </section>
  );
}
