import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsPatch } from '../../../shared/settings';
import { api, ApiError, transportKind } from '../api/client';
import { Field } from '../components/Field';
import { SignIn } from '../components/SignIn';
import { keyStoreKind } from '../lib/key-store';
import { useSettings } from '../stores/settings';
import { AccountsList } from './settings/AccountsList';
import { BrowserNotifications } from './settings/BrowserNotifications';

const MiB = 1024 * 1024;

/** Saves one change at a time; a refusal from main shows next to the field it names. */
function useSaver() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  async function save(patch: SettingsPatch, field: string) {
    try {
      await api.settings.update(patch);
      setErrors((e) => ({ ...e, [field]: '' }));
    } catch (err) {
      setErrors((e) => ({ ...e, [field]: err instanceof ApiError ? err.message : String(err) }));
    }
  }
  return { errors, save };
}

export function SettingsView() {
  const { t } = useTranslation();
  const { settings, keyStore } = useSettings();
  const [adding, setAdding] = useState(false);
  const { errors, save } = useSaver();
  if (!settings) return null;
  const tr = settings.transfers;
  const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

  return (
    <section className="view settings" aria-labelledby="settings-title">
      <header className="view-header">
        <h1 id="settings-title">{t('nav.settings')}</h1>
      </header>

      <section className="card" aria-labelledby="accounts-h">
        <h2 id="accounts-h">{t('settings.accounts')}</h2>
        <AccountsList />
        {adding ? <SignIn onDone={() => setAdding(false)} /> : <button onClick={() => setAdding(true)}>{t('settings.addAccount')}</button>}
        {keyStore && (
          <p className={keyStore.secure ? 'hint' : 'error'}>
            {t('settings.keyStore', {
              backend: t(`account.keyStoreName.${keyStore.locked ? 'locked' : keyStoreKind(keyStore.backend)}`, { backend: keyStore.backend }),
            })}
          </p>
        )}
      </section>

      <section className="card grid" aria-labelledby="transfers-h">
        <h2 id="transfers-h">{t('settings.transfers')}</h2>
        <Field label={t('settings.parallelFiles')} error={errors['transfers.parallelFiles']}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={1}
              max={64}
              defaultValue={tr.parallelFiles}
              onBlur={(e) => void save({ transfers: { parallelFiles: num(e.target.value) } }, 'transfers.parallelFiles')}
            />
          )}
        </Field>
        <Field label={t('settings.partsPerFile')} error={errors['transfers.partsPerFile']}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={1}
              max={32}
              defaultValue={tr.partsPerFile}
              onBlur={(e) => void save({ transfers: { partsPerFile: num(e.target.value) } }, 'transfers.partsPerFile')}
            />
          )}
        </Field>
        <Field label={t('settings.partSize')} error={errors['transfers.partSizeMiB']}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={5}
              max={512}
              defaultValue={tr.partSizeMiB}
              onBlur={(e) => void save({ transfers: { partSizeMiB: num(e.target.value) } }, 'transfers.partSizeMiB')}
            />
          )}
        </Field>
        <Field label={t('settings.bandwidth')} error={errors['transfers.bandwidthBytesPerSecond']} hint={t('settings.bandwidthHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              step={0.5}
              defaultValue={tr.bandwidthBytesPerSecond === null ? '' : tr.bandwidthBytesPerSecond / MiB}
              onBlur={(e) => {
                const v = e.target.value.trim();
                void save(
                  { transfers: { bandwidthBytesPerSecond: v === '' || Number(v) === 0 ? null : Math.round(Number(v) * MiB) } },
                  'transfers.bandwidthBytesPerSecond',
                );
              }}
            />
          )}
        </Field>
        <Field label={t('settings.schedule')} error={errors['transfers.bandwidthSchedule']} hint={t('settings.scheduleHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              placeholder="09:00-18:00=2"
              defaultValue={tr.bandwidthSchedule.map((w) => `${w.from}-${w.to}=${w.bytesPerSecond / MiB}`).join(', ')}
              onBlur={(e) => {
                const windows = e.target.value
                  .split(',')
                  .map((s) => s.trim())
                  .filter(Boolean)
                  .map((s) => {
                    const m = /^(\d\d:\d\d)-(\d\d:\d\d)=(\d+(?:\.\d+)?)$/.exec(s);
                    return m ? { from: m[1]!, to: m[2]!, bytesPerSecond: Math.round(Number(m[3]) * MiB) } : { from: s, to: '', bytesPerSecond: 0 };
                  });
                void save({ transfers: { bandwidthSchedule: windows } }, 'transfers.bandwidthSchedule');
              }}
            />
          )}
        </Field>
      </section>

      <section className="card grid" aria-labelledby="downloads-h">
        <h2 id="downloads-h">{t('settings.downloads')}</h2>
        <Field label={t('settings.downloadFolder')} error={errors['downloads.folder']} hint={t('settings.downloadFolderHint')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              defaultValue={settings.downloads.folder}
              onBlur={(e) => void save({ downloads: { folder: e.target.value.trim() } }, 'downloads.folder')}
            />
          )}
        </Field>
        <Field label={t('settings.conflict')}>
          {(id) => (
            <select
              id={id}
              value={settings.downloads.conflict}
              onChange={(e) => void save({ downloads: { conflict: e.target.value as 'skip' | 'overwrite' | 'keepBoth' } }, 'downloads.conflict')}
            >
              <option value="keepBoth">{t('settings.conflictKeepBoth')}</option>
              <option value="skip">{t('settings.conflictSkip')}</option>
              <option value="overwrite">{t('settings.conflictOverwrite')}</option>
            </select>
          )}
        </Field>
      </section>

      <section className="card" aria-labelledby="notify-h">
        <h2 id="notify-h">{t('settings.notifications')}</h2>
        {(['jobFinished', 'jobFailed', 'transferFailed', 'transfersDone'] as const).map((k) => (
          <label key={k} className="check">
            <input
              type="checkbox"
              checked={settings.notifications[k]}
              onChange={(e) => void save({ notifications: { [k]: e.target.checked } }, `notifications.${k}`)}
            />{' '}
            {t(`settings.notify.${k}`)}
          </label>
        ))}
        <Field label={t('settings.walltimeWarn')} hint={t('settings.walltimeWarnHint')} error={errors['notifications.walltimeWarnMinutes']}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              max={1440}
              defaultValue={settings.notifications.walltimeWarnMinutes}
              onBlur={(e) => void save({ notifications: { walltimeWarnMinutes: num(e.target.value) } }, 'notifications.walltimeWarnMinutes')}
            />
          )}
        </Field>
        <Field label={t('settings.longRun')} hint={t('settings.longRunHint')} error={errors['notifications.longRunHours']}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="number"
              min={0}
              max={720}
              defaultValue={settings.notifications.longRunHours}
              onBlur={(e) => void save({ notifications: { longRunHours: num(e.target.value) } }, 'notifications.longRunHours')}
            />
          )}
        </Field>
        <BrowserNotifications />
      </section>

      <section className="card grid" aria-labelledby="network-h">
        <h2 id="network-h">{t('settings.network')}</h2>
        <Field
          label={t('settings.proxy')}
          {...(settings.network.proxy === 'system' ? { hint: t(transportKind === 'ipc' ? 'settings.proxySystemHintApp' : 'settings.proxySystemHintWeb') } : {})}
        >
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
        {settings.network.proxy === 'explicit' && (
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
        )}
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
    </section>
  );
}

/** Write-only: the password goes to the keychain and is never shown or sent back. */
function ProxyPassword({ saved }: { saved: boolean }) {
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
