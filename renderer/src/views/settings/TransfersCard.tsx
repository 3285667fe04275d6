// Settings → Transfers: parallelism, part size and the bandwidth limit with its schedule.
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { formatSchedule, limitFromMiB, limitToMiB, parseSchedule } from './bandwidth';
import { NumberSettingField } from './NumberSettingField';
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
      <Field label={t('settings.bandwidth')} error={errors['transfers.bandwidthBytesPerSecond']} hint={t('settings.bandwidthHint')}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            type="number"
            min={0}
            step={0.5}
            defaultValue={limitToMiB(tr.bandwidthBytesPerSecond)}
            onBlur={(e) => void save({ transfers: { bandwidthBytesPerSecond: limitFromMiB(e.target.value) } }, 'transfers.bandwidthBytesPerSecond')}
          />
        )}
      </Field>
      <Field label={t('settings.schedule')} error={errors['transfers.bandwidthSchedule']} hint={t('settings.scheduleHint')}>
        {(id, d) => (
          <input
            id={id}
            aria-describedby={d}
            placeholder="09:00-18:00=2"
            defaultValue={formatSchedule(tr.bandwidthSchedule)}
            onBlur={(e) => void save({ transfers: { bandwidthSchedule: parseSchedule(e.target.value) } }, 'transfers.bandwidthSchedule')}
          />
        )}
      </Field>
    </section>
  );
}
