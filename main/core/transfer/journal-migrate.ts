// Bringing a journal written by an older Courier up to date.
import type Database from 'better-sqlite3';
import { str, type Row } from './journal-rows';
import type { Sealer } from './sealer';

const TERMINAL_SQL = "('done', 'failed', 'cancelled')";

export function migrateJournal(db: Database.Database, sealer: Sealer): void {
  const cols = new Set((db.pragma('table_info(transfers)') as Row[]).map((c) => str(c.name)));
  // Journals from before transfers recorded their account get the column (null: unbound).
  if (!cols.has('account_id')) db.exec('ALTER TABLE transfers ADD COLUMN account_id TEXT');
  if (!cols.has('key_sealed')) db.exec('ALTER TABLE transfers ADD COLUMN key_sealed BLOB');
  sealLegacyDownloadKeys(db, sealer);
}

/**
 * Older journals kept a download's file record whole, key included, in the clear. Move the key
 * into key_sealed (or drop it, for finished items), then checkpoint and truncate the WAL so the
 * old pages do not linger there (secure_delete has already zeroed them in the main file).
 */
function sealLegacyDownloadKeys(db: Database.Database, sealer: Sealer): void {
  const rows = db.prepare("SELECT id, state, remote_json FROM transfers WHERE kind = 'download' AND remote_json LIKE '%encodedEncryptionKey%'").all() as Row[];
  if (rows.length === 0) return;
  const update = db.prepare('UPDATE transfers SET remote_json = ?, key_sealed = ? WHERE id = ?');
  const finished = new Set(
    db
      .prepare(`SELECT id FROM transfers WHERE state IN ${TERMINAL_SQL}`)
      .all()
      .map((r) => str((r as Row).id)),
  );
  db.transaction(() => {
    for (const r of rows) {
      const id = str(r.id);
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(str(r.remote_json)) as Record<string, unknown>;
      } catch {
        continue;
      }
      const { encodedEncryptionKey: key, ...rest } = record;
      const sealed = typeof key === 'string' && key && !finished.has(id) ? sealer.seal(Buffer.from(key, 'utf8')) : null;
      update.run(JSON.stringify(rest), sealed, id);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
}
