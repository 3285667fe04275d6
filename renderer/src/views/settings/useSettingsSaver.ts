// Saving one settings change at a time, shared by every card of the Settings view: a refusal
// from main shows next to the field it names.
import { useState } from 'react';
import type { Settings, SettingsPatch } from '../../../../shared/settings';
import { api, ApiError } from '../../api/client';

/** Resolves true once saved; false when main refused it (the error shows next to `field`). */
export type SaveSetting = (patch: SettingsPatch, field: string) => Promise<boolean>;

/** What each card of the Settings view gets: the settings, the errors by field, and save. */
export interface SettingsCardProps {
  settings: Settings;
  errors: Record<string, string>;
  save: SaveSetting;
}

export function useSettingsSaver() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save: SaveSetting = async (patch, field) => {
    try {
      await api.settings.update(patch);
      setErrors((e) => ({ ...e, [field]: '' }));
      return true;
    } catch (err) {
      setErrors((e) => ({ ...e, [field]: err instanceof ApiError ? err.message : String(err) }));
      return false;
    }
  };
  return { errors, save };
}
