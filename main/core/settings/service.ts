import type { Phrase } from '../../../shared/activity-phrases';
import { copyFileSync, existsSync } from 'node:fs';
import { settingsPatch, settingsSchema, SETTINGS_VERSION, type Settings, type SettingsPatch } from '../../../shared/settings';
import { CourierError } from '../../../shared/errors';
import type { SettingsBackend } from './backend';
import { migrate } from './migrations';

/** Activity entries as phrases, so the UI says them in the person's language. */
export interface SettingsLog {
  warn(phrase: Phrase): void;
  info(phrase: Phrase): void;
}

/**
 * Schema-validated, versioned settings. Reads migrate older files once (and keep a backup of
 * what they replaced); a file that no longer validates is backed up and replaced by defaults
 * rather than crashing the app.
 */
export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  constructor(
    private readonly backend: SettingsBackend,
    private readonly log?: SettingsLog,
  ) {
    this.current = this.load();
  }

  private backup(suffix: string): void {
    if (existsSync(this.backend.path)) copyFileSync(this.backend.path, `${this.backend.path}.${suffix}-${Date.now()}.bak`);
  }

  private load(): Settings {
    const raw = this.backend.read();
    if (Object.keys(raw).length === 0) {
      const fresh = settingsSchema.parse({ version: SETTINGS_VERSION });
      this.backend.write(fresh);
      return fresh;
    }
    let data: Record<string, unknown>;
    let from = SETTINGS_VERSION;
    try {
      ({ data, from } = migrate(raw));
    } catch (e) {
      this.log?.warn({ key: 'settingsNotMigrated', params: { reason: (e as Error).message } });
      this.backup('unmigratable');
      data = { version: SETTINGS_VERSION };
    }
    const parsed = settingsSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.log?.warn({ key: 'settingsInvalid', params: { reason: `${issue?.path.join('.')}: ${issue?.message}` } });
      this.backup('invalid');
      const fresh = settingsSchema.parse({ version: SETTINGS_VERSION });
      this.backend.write(fresh);
      return fresh;
    }
    if (from !== SETTINGS_VERSION) {
      this.backup(`v${from}`);
      this.log?.info({ key: 'settingsUpdated', params: { from: String(from), to: String(SETTINGS_VERSION) } });
    }
    if (from !== SETTINGS_VERSION || JSON.stringify(parsed.data) !== JSON.stringify(raw)) this.backend.write(parsed.data);
    return parsed.data;
  }

  get(): Settings {
    return this.current;
  }

  /** Applies a partial change from the UI/CLI; the field named in an error is the one to fix. */
  update(patch: SettingsPatch): Settings {
    const checked = settingsPatch.safeParse(patch);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new CourierError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    const next: Record<string, unknown> = { ...this.current };
    for (const [section, values] of Object.entries(checked.data)) {
      if (values) next[section] = { ...(this.current[section as keyof Settings] as object), ...values };
    }
    return this.replace(next);
  }

  /** For services that own parts of the settings (accounts). */
  mutate(fn: (s: Settings) => Settings): Settings {
    return this.replace(fn(structuredClone(this.current)));
  }

  private replace(next: unknown): Settings {
    const parsed = settingsSchema.safeParse(next);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join('.') ?? '';
      throw new CourierError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`, { field });
    }
    this.backend.write(parsed.data);
    this.current = parsed.data;
    for (const l of this.listeners) l(this.current);
    return this.current;
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
