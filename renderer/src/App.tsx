import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { onEvent } from './api/client';
import { useConnection } from './stores/connection';
import { useNavigation, views, type View } from './stores/navigation';
import { useAppearance } from './components/Appearance';
import { startSettingsMirror, useSettings } from './stores/settings';
import { ActivityView } from './views/ActivityView';
import { FirstRun } from './views/FirstRun';
import { EmptyState } from './views/Placeholder';
import { SettingsView } from './views/SettingsView';

function ViewBody({ view }: { view: View }) {
  const { t } = useTranslation();
  switch (view) {
    case 'activity':
      return <ActivityView />;
    case 'settings':
      return <SettingsView />;
    default:
      return (
        <section className="view" aria-labelledby={`${view}-title`}>
          <header className="view-header">
            <h1 id={`${view}-title`}>{t(`nav.${view}`)}</h1>
          </header>
          <EmptyState text={t(`${view}.empty`, { defaultValue: '' })} />
        </section>
      );
  }
}

export function App() {
  const { t } = useTranslation();
  const { view, go } = useNavigation();
  const { transportUp, platformOnline } = useConnection();

  const { loaded, accounts } = useSettings();
  useEffect(() => onEvent('connectivity', (c) => useConnection.getState().setPlatform(c.online, c.reason)), []);
  useEffect(() => startSettingsMirror(), []);
  useAppearance();
  const firstRun = loaded && accounts.length === 0 && view !== 'settings' && view !== 'activity';

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand" aria-hidden="true">
          <span className="logo">◆</span> Courier
        </div>
        <ul>
          {views.map((v) => (
            <li key={v}>
              <a href={`#/${v}`} aria-current={v === view ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go(v))} data-view={v}>
                {t(`nav.${v}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main className="content">
        {!transportUp && (
          <div className="banner banner-warn" role="status">
            {t('app.disconnected')}
          </div>
        )}
        {transportUp && !platformOnline && (
          <div className="banner banner-warn" role="status">
            {t('app.offline')}
          </div>
        )}
        {firstRun ? <FirstRun /> : <ViewBody view={view} />}
      </main>
    </div>
  );
}
