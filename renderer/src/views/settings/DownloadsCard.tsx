// Settings → Downloads: where outputs go and what happens when a file is already there.
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import type { SettingsCardProps } from './useSettingsSaver';

export function DownloadsCard({ settings, errors, save }: SettingsCardProps) {
  const { t } = useTranslation();
  return (
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
  );
}
