// Settings → Downloads: where outputs go and what happens when a file is already there.
import { useTranslation } from 'react-i18next';
import { SettingSelect, SettingText } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

export function DownloadsCard({ settings, errors, save }: SettingsCardProps) {
  const { t } = useTranslation();
  return (
    <section className="card grid" aria-labelledby="downloads-h">
      <h2 id="downloads-h">{t('settings.downloads')}</h2>
      <SettingText
        label={t('settings.downloadFolder')}
        hint={t('settings.downloadFolderHint')}
        error={errors['downloads.folder']}
        value={settings.downloads.folder}
        onSave={(text) => void save({ downloads: { folder: text.trim() } }, 'downloads.folder')}
      />
      <SettingSelect
        label={t('settings.conflict')}
        value={settings.downloads.conflict}
        options={[
          ['keepBoth', t('settings.conflictKeepBoth')],
          ['skip', t('settings.conflictSkip')],
          ['overwrite', t('settings.conflictOverwrite')],
        ]}
        onSave={(conflict) => save({ downloads: { conflict } }, 'downloads.conflict')}
      />
    </section>
  );
}
