import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFile } from '../secrets/private-file';

/** Where settings are kept. The Electron shell passes electron-store; core, the CLI and tests use a JSON file. */
export interface SettingsBackend {
  read(): Record<string, unknown>;
  write(data: Record<string, unknown>): void;
  readonly path: string;
}

/**
 * `settings.json` in the data folder, written whole, owner-only and atomically (temp file +
 * rename). Written by hand rather than with `conf`: conf loads ajv and its schema machinery,
 * ~0.17 s of CPU at the start of every `courier` command, to read one small JSON object whose
 * values the SettingsService validates anyway (with zod, already loaded).
 */
export class JsonFileSettingsBackend implements SettingsBackend {
  readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, 'settings.json');
  }
  read(): Record<string, unknown> {
    if (!existsSync(this.path)) return {};
    const text = readFileSync(this.path, 'utf8');
    try {
      const data: unknown = JSON.parse(text);
      if (data !== null && typeof data === 'object' && !Array.isArray(data)) return data as Record<string, unknown>;
    } catch {
      // not JSON: kept aside below
    }
    // A file that is not a JSON object (hand-edited, cut short by a full disk) is kept aside, not
    // lost, and settings start from the defaults.
    renameSync(this.path, `${this.path}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    return {};
  }
  write(data: Record<string, unknown>): void {
    writePrivateFile(this.path, `${JSON.stringify(data, null, '\t')}\n`);
  }
}
