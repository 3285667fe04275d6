import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { formatBytes, messageOf } from '../lib/format';
import { Icon } from './Icon';
import { Modal } from './Modal';

export interface LocalEntry {
  name: string;
  path: string;
  isDir: boolean;
  size: number;
}

interface Listing {
  dir: string;
  parent: string | null;
  entries: LocalEntry[];
}

let rememberedDir: string | undefined;

/**
 * Choose local files (and folders, unless `filesOnly`) through transfers.browseLocal: the web
 * host has no native dialog, and the same picker works in Electron.
 */
export function LocalPicker({
  title,
  confirmLabel,
  filesOnly,
  archiveOption,
  onChoose,
  onClose,
}: {
  title: string;
  confirmLabel: string;
  filesOnly?: boolean;
  /** Offers "upload each folder as one archive" (uploads to Files). */
  archiveOption?: boolean;
  onChoose: (chosen: LocalEntry[], o: { asArchive: boolean }) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [asArchive, setAsArchive] = useState(false);
  const [listing, setListing] = useState<Listing | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState('');
  const [chosen, setChosen] = useState<Map<string, LocalEntry>>(new Map());

  // Listings can arrive out of order (a large home folder is slow): only the latest request
  // counts, and a folder being typed is not overwritten by the first listing arriving late.
  const latest = useRef(0);
  const typed = useRef(false);

  const open = useCallback(async (dir?: string) => {
    const request = ++latest.current;
    setError('');
    try {
      const r = await api.transfers.browseLocal(dir ? { dir } : {});
      if (request !== latest.current) return;
      setListing(r);
      setPath(r.dir);
      rememberedDir = r.dir;
    } catch (e) {
      if (request === latest.current) setError(messageOf(e));
    }
  }, []);

  useEffect(() => {
    const requests = latest;
    const request = ++requests.current;
    api.transfers.browseLocal(rememberedDir ? { dir: rememberedDir } : {}).then(
      (r) => {
        if (request !== requests.current) return;
        setListing(r);
        if (!typed.current) setPath(r.dir);
      },
      (e: unknown) => {
        rememberedDir = undefined; // it may be gone: start from home next time
        if (request === requests.current) setError(messageOf(e));
      },
    );
    return () => {
      requests.current++; // closed: late answers change nothing
    };
  }, []);

  const toggle = (e: LocalEntry) =>
    setChosen((m) => {
      const next = new Map(m);
      if (next.has(e.path)) next.delete(e.path);
      else next.set(e.path, e);
      return next;
    });

  const footer = (
    <>
      <span className="muted grow" aria-live="polite">
        {t('picker.selected', { count: chosen.size })}
      </span>
      <button type="button" onClick={onClose}>
        {t('common.cancel')}
      </button>
      <button type="button" className="primary" disabled={chosen.size === 0} onClick={() => onChoose([...chosen.values()], { asArchive })}>
        {confirmLabel}
      </button>
    </>
  );

  return (
    <Modal title={title} onClose={onClose} footer={footer} wide>
      <form
        className="picker-path"
        onSubmit={(e) => {
          e.preventDefault();
          void open(path.trim());
        }}
      >
        <button type="button" disabled={!listing?.parent} onClick={() => listing?.parent && void open(listing.parent)} aria-label={t('picker.up')}>
          <Icon name="up" />
        </button>
        <input
          aria-label={t('picker.folder')}
          value={path}
          onChange={(e) => ((typed.current = true), setPath(e.target.value))}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'picker-error' : undefined}
          data-autofocus=""
        />
        <button type="submit">{t('picker.go')}</button>
      </form>
      {error && (
        <p id="picker-error" className="error" role="alert">
          {error}
        </p>
      )}
      {archiveOption && (
        <p className="picker-archive">
          <label>
            <input type="checkbox" checked={asArchive} onChange={(e) => setAsArchive(e.target.checked)} aria-describedby="picker-archive-hint" />{' '}
            {t('picker.asArchive')}
          </label>
          <small id="picker-archive-hint" className="muted">
            {' '}
            {t('picker.asArchiveHint')}
          </small>
        </p>
      )}
      {listing && listing.entries.length === 0 && <p className="muted">{t('picker.emptyFolder')}</p>}
      <ul className="picker-list" aria-label={listing?.dir ?? t('common.loading')}>
        {listing?.entries.map((e) => {
          const selectable = !filesOnly || !e.isDir;
          return (
            <li key={e.path} className={chosen.has(e.path) ? 'selected' : undefined}>
              {selectable ? (
                <input type="checkbox" checked={chosen.has(e.path)} onChange={() => toggle(e)} aria-label={t('picker.choose', { name: e.name })} />
              ) : (
                <span className="checkbox-spacer" aria-hidden="true" />
              )}
              {e.isDir ? (
                <button type="button" className="link entry-name" onClick={() => void open(e.path)} aria-label={t('picker.openFolder', { name: e.name })}>
                  <Icon name="folder" />
                  {e.name}
                </button>
              ) : (
                <span className="entry-name">
                  <Icon name="file" />
                  {e.name}
                </span>
              )}
              <span className="muted size">{e.isDir ? '' : formatBytes(e.size)}</span>
            </li>
          );
        })}
      </ul>
    </Modal>
  );
}

/** The picker for job inputs (launch dialog, template editor, queued-job editor): files, and folders (each goes up as one archive); closes itself, then hands over the choice. */
export function InputFilesPicker({ onChoose, onClose }: { onChoose: (chosen: LocalEntry[]) => void; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <LocalPicker
      title={t('launch.pickInputs')}
      confirmLabel={t('launch.addChosen')}
      onClose={onClose}
      onChoose={(chosen) => {
        onClose();
        onChoose(chosen);
      }}
    />
  );
}
