// The data folder holds the transfer journal (sealed keys, upload ids), the outbox, settings,
// the activity log and, when the user opted in, a plaintext key file. It must be the user's
// own and closed to everyone else, also when it already existed (created by hand, by an older
// version, or unpacked from an archive with 0755/0777 modes).
import { chmodSync, lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CourierError } from '../../shared/errors';

const modeText = (mode: number): string => `0${(mode & 0o777).toString(8)}`;

/**
 * What Courier keeps directly in the data folder. Only these are tightened: the folder may be
 * one the user pointed us at (--data), and the rest of what is in it is none of our business.
 */
const OURS =
  /^(transfers\.db|jobs\.db)(-wal|-shm|-journal)?$|^(keys\.plaintext\.json|keys\.safe-storage\.json|templates\.json|settings\.json|activity\.jsonl|limits|staging|sandbox|cache|catalog|cli-journals)$/;

/**
 * Creates the folder (0700) or checks an existing one: it must belong to this user, and is made
 * 0700 if group or others had any access; Courier's own files and folders directly inside lose
 * group and other access too (a folder closed at the top is enough for what is deeper). A folder that
 * cannot be made private is refused with what to do, never used as it is. Windows keeps access
 * in ACLs, which a per-user profile folder already limits: nothing to do there.
 */
export function prepareDataDir(dir: string, platform: NodeJS.Platform = process.platform): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (platform === 'win32') return;
  const st = statSync(dir);
  if (!st.isDirectory()) throw refuse(dir, 'is not a folder');
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw refuse(dir, `belongs to another user (uid ${st.uid}, you are ${uid}), who could read the keys and journals kept there`);
  }
  if (st.mode & 0o077) {
    // Someone's shared folder (--data ~/project, a team folder) is not ours to close: only an
    // empty one or one that already holds Courier's files is made private.
    const names = readdirSync(dir);
    if (names.length > 0 && !names.some((n) => OURS.test(n))) {
      throw refuse(
        dir,
        `is open to other users (mode ${modeText(st.mode)}) and holds other files, so Courier will not change its permissions. Choose an empty folder, or run chmod 700 on it if it is yours alone`,
      );
    }
    try {
      // Special bits (setgid, sticky) are kept; only group and other access goes.
      chmodSync(dir, st.mode & 0o7700);
    } catch (e) {
      throw refuse(
        dir,
        `is open to other users (mode ${modeText(st.mode)}) and could not be made private (${(e as { code?: string }).code ?? String(e)}). Run chmod 700 on it`,
      );
    }
  }
  for (const name of readdirSync(dir)) {
    if (!OURS.test(name)) continue;
    const p = join(dir, name);
    const s = lstatSync(p, { throwIfNoEntry: false });
    // A symlink's own mode means nothing, and chmod would change what it points to.
    if (!s || s.isSymbolicLink() || !(s.mode & 0o077) || s.uid !== st.uid) continue;
    try {
      chmodSync(p, s.mode & 0o700);
    } catch {
      // The folder itself is closed now, which is what protects this entry.
    }
  }
}

function refuse(dir: string, why: string): CourierError {
  return new CourierError(
    'local_file',
    `The Courier data folder ${dir} ${why}. Courier will not keep keys there: fix it, or choose another folder with --data or COURIER_DATA_DIR.`,
  );
}
