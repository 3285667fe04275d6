import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data folder shared by the desktop app, the CLI and the web host, so they see
 * one journal, one outbox and one rate limiter. COURIER_DATA_DIR overrides it (tests, portable use).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.COURIER_DATA_DIR) return env.COURIER_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Courier');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Courier');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'courier');
}
