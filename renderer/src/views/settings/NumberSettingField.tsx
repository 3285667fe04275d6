// A numeric setting's box, with its bounds read from shared/settings-table.ts: the schema, the
// CLI and this view share one table, so the form cannot offer a range main refuses.
import { SETTINGS_TABLE, type SettingKey } from '../../../../shared/settings-table';
import type { SettingsPatch } from '../../../../shared/settings';
import { SettingText } from './SettingInputs';
import type { SettingsCardProps } from './useSettingsSaver';

/** An empty box is sent as NaN so main names the field that is missing. */
const num = (v: string) => (v.trim() === '' ? NaN : Number(v));

/** `section.field` → the patch that sets it. */
function patchFor(name: string, value: number): SettingsPatch {
  const [section, field] = name.split('.') as [string, string];
  return { [section]: { [field]: value } } as SettingsPatch;
}

function currentValue(settings: SettingsCardProps['settings'], name: string): number {
  const [section, field] = name.split('.') as [string, string];
  return (settings as unknown as Record<string, Record<string, number>>)[section]![field]!;
}

export function NumberSettingField({
  setting,
  label,
  hint,
  settings,
  errors,
  save,
}: SettingsCardProps & { setting: SettingKey; label: string; hint?: string }) {
  const row = SETTINGS_TABLE[setting];
  return (
    <SettingText
      label={label}
      {...(hint ? { hint } : {})}
      error={errors[row.name]}
      type="number"
      min={row.min}
      max={row.max}
      value={currentValue(settings, row.name)}
      onSave={(text) => void save(patchFor(row.name, num(text)), row.name)}
    />
  );
}
