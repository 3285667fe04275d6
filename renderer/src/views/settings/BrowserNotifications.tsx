import { useTranslation } from 'react-i18next';
import { transportKind } from '../../api/client';
import { askNotificationPermission, useNotifications } from '../../stores/notifications';

/** In a browser, notifications need the user's permission, asked on a click. */
export function BrowserNotifications() {
  const { t } = useTranslation();
  const permission = useNotifications((s) => s.permission);
  if (transportKind !== 'websocket') return null;
  return (
    <div className="span-all browser-notifications">
      <p className="hint" data-permission={permission}>
        {t(`settings.browserNotify.${permission}`)}
      </p>
      {permission === 'default' && (
        <button type="button" onClick={() => void askNotificationPermission()}>
          {t('settings.browserNotify.allow')}
        </button>
      )}
    </div>
  );
}
