import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { onEvent } from './api/client';
import { ConfirmHost } from './components/ConfirmHost';
import { Toasts } from './components/Toasts';
import { useConnection } from './stores/connection';
import { useNavigation, views, type View } from './stores/navigation';
import { useAppearance } from './components/Appearance';
import { startJobsMirror, useJobs } from './stores/jobs';
import { useLaunch } from './stores/launch';
import { useSweeps } from './stores/sweeps';
import { startNotificationBridge } from './stores/notifications';
import { startSettingsMirror, useSettings } from './stores/settings';
import { startTransfersMirror } from './stores/transfers';
import { AccountSwitcher } from './views/account/AccountSwitcher';
import { KeyMissing } from './views/account/KeyMissing';
import { UnlockKeyStore } from './views/account/UnlockKeyStore';
import { ActivityView } from './views/ActivityView';
import { FilesView } from './views/files/FilesView';
import { FirstRun } from './views/FirstRun';
import { JobsView } from './views/jobs/JobsView';
import { LaunchDialog } from './views/launch/LaunchDialog';
import { SettingsView } from './views/SettingsView';
import { NewSweepDialog } from './views/sweeps/NewSweepDialog';
import { SweepsView } from './views/sweeps/SweepsView';
import { TemplatesView } from './views/templates/TemplatesView';
import { DropOverlay } from './views/transfers/DropOverlay';
import { TransfersView } from './views/transfers/TransfersView';

function ViewBody({ view }: { view: View }) {
  switch (view) {
    case 'transfers':
      return <TransfersView />;
    case 'jobs':
      return <JobsView />;
    case 'sweeps':
      return <SweepsView />;
    case 'templates':
      return <TemplatesView />;
    case 'files':
      return <FilesView />;
    case 'activity':
      return <ActivityView />;
    case 'settings':
      return <SettingsView />;
  }
}

function NavBadge({ view }: { view: View }) {
  const { t } = useTranslation();
  const running = useJobs((s) => s.running);
  const queued = useJobs((s) => s.queued);
  if (view !== 'jobs' || running + queued === 0) return null;
  return <span className="nav-badge">{t('nav.jobsBadge', { running, queued })}</span>;
}

export function App() {
  const { t } = useTranslation();
  const { view, go } = useNavigation();
  const { transportUp, platformOnline } = useConnection();
  const launchOpen = useLaunch((s) => s.open);
  const sweepOpen = useSweeps((s) => s.dialogOpen);

  const { loaded, accounts, keyStore } = useSettings();
  // Every mirror subscribes here, at the root, so no view switch can drop a listener or an event.
  useEffect(() => onEvent('connectivity', (c) => useConnection.getState().setPlatform(c.online, c.reason)), []);
  useEffect(() => {
    startSettingsMirror();
    startTransfersMirror();
    startJobsMirror();
    startNotificationBridge();
  }, []);
  useAppearance();
  const firstRun = loaded && accounts.length === 0 && view !== 'settings' && view !== 'activity';
  // Views that need the platform ask for a lost key in place; Settings and Activity still open.
  const keyLost = accounts.find((a) => a.active && a.keyMissing);
  const askKey = !firstRun && keyLost && view !== 'settings' && view !== 'activity';
  // An encrypted key file waiting for its passphrase comes before everything that needs a key.
  const locked = !!keyStore?.locked && view !== 'settings' && view !== 'activity';

  return (
    <div className="app">
      <nav className="sidebar" aria-label={t('nav.main')}>
        <div className="brand" aria-hidden="true">
          <span className="logo">◆</span> Courier
        </div>
        <AccountSwitcher />
        <ul>
          {views.map((v) => (
            <li key={v}>
              <a href={`#/${v}`} aria-current={v === view ? 'page' : undefined} onClick={(e) => (e.preventDefault(), go(v))} data-view={v}>
                {t(`nav.${v}`)}
                <NavBadge view={v} />
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
        {locked ? <UnlockKeyStore /> : firstRun ? <FirstRun /> : askKey ? <KeyMissing account={keyLost} /> : <ViewBody view={view} />}
      </main>
      <DropOverlay enabled={!firstRun && loaded} />
      {launchOpen && <LaunchDialog />}
      {sweepOpen && <NewSweepDialog />}
      <ConfirmHost />
      <Toasts />
    </div>
  );
}
