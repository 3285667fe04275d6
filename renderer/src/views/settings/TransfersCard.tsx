// Settings → Transfers: parallelism, part size and the bandwidth limit with its schedule.
import { useTranslation } from 'react-i18next';
import { formatSchedule, limitFromMiB, limitToMiB, parseSchedule } from './bandwidth';
import { NumberSettingField } from './NumberSettingField';
import { SettingText } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

export function TransfersCard(props: SettingsCardProps) {
  const { t } = useTranslation();
  const { settings, errors, save } = props;
  const tr = settings.transfers;
  return (
    <section className="card grid" aria-labelledby="transfers-h">
      <h2 id="transfers-h">{t('settings.transfers')}</h2>
      <NumberSettingField {...props} setting="parallelFiles" label={t('settings.parallelFiles')} />
      <NumberSettingField {...props} setting="partsPerFile" label={t('settings.partsPerFile')} />
      <NumberSettingField {...props} setting="partSizeMiB" label={t('settings.partSize')} />
      <SettingText
        label={t('settings.bandwidth')}
        hint={t('settings.bandwidthHint')}
        error={errors['transfers.bandwidthBytesPerSecond']}
        type="number"
        min={0}
        step={0.5}
        value={limitToMiB(tr.bandwidthBytesPerSecond)}
        onSave={(text) => void save({ transfers: { bandwidthBytesPerSecond: limitFromMiB(text) } }, 'transfers.bandwidthBytesPerSecond')}
      />
      <SettingText
        label={t('settings.schedule')}
        hint={t('settings.scheduleHint')}
        error={errors['transfers.bandwidthSchedule']}
        placeholder="09:00-18:00=2"
        value={formatSchedule(tr.bandwidthSchedule)}
        onSave={(text) => void save({ transfers: { bandwidthSchedule: parseSchedule(text) } }, 'transfers.bandwidthSchedule')}
      />
    </section>
  );
}
