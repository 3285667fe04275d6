import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'ini';

/**
 * rescale-cli's INI file (`~/.config/rescale/apiconfig`, or RESCALE_CONFIG_FILE): read for
 * compatibility, never written. Sections are profiles; keys `apikey` and `apibaseurl`.
 */
export function readLegacyApiConfig(profile = 'default', env: NodeJS.ProcessEnv = process.env): { apiKey?: string; apiBaseUrl?: string; file: string } | null {
  const file = env.RESCALE_CONFIG_FILE ?? join(homedir(), '.config', 'rescale', 'apiconfig');
  if (!existsSync(file)) return null;
  const data = parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
  const section = data[profile];
  if (!section) return null;
  const apiKey = typeof section.apikey === 'string' ? section.apikey.trim() : undefined;
  const apiBaseUrl = typeof section.apibaseurl === 'string' ? section.apibaseurl.trim() : undefined;
  return { file, ...(apiKey ? { apiKey } : {}), ...(apiBaseUrl ? { apiBaseUrl } : {}) };
}
