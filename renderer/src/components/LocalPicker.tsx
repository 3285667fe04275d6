import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../lib/format';
import { Icon } from './Icon';
import { Modal } from './Modal';
import { useChosenEntries, useLocalListing, type LocalEntry, type Listing } from './useLocalListing';

interface PickerProps {
  title: string;
  confirmLabel: string;
  filesOnly?: boolean;
  /** Offers "upload each folder as one archive" (uploads to Files). */
  archiveOption?: boolean;
  onChoose: (chosen: LocalEntry[], o: { asArchive: boolean }) => void;
  onClose: () => void;
}

/** The folder's entries: a box to tick (folders too, unless `filesOnly`), folders open on click. */
function PickerEntries({
  listing,
  filesOnly,
  chosen,
  toggle,
  open,
}: {
  listing: Listing | null;
  filesOnly: boolean | undefined;
  chosen: Map<string, LocalEntry>;
  toggle: (e: LocalEntry) => void;
  open: (dir: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
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
  );
}

function ArchiveOption({ asArchive, setAsArchive }: { asArchive: boolean; setAsArchive: (v: boolean) => void }) {
  const { t } = useTranslation();
  return (
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
  );
}

/**
 * Choose local files (and folders, unless `filesOnly`) through transfers.browseLocal: the web
 * host has no native dialog, and the same picker works in Electron.
 */
export function LocalPicker({ title, confirmLabel, filesOnly, archiveOption, onChoose, onClose }: PickerProps) {
  const { t } = useTranslation();
  const [asArchive, setAsArchive] = useState(false);
  const { listing, path, typePath, error, open } = useLocalListing();
  const { chosen, toggle } = useChosenEntries();

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
          onChange={(e) => typePath(e.target.value)}
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
      {archiveOption && <ArchiveOption asArchive={asArchive} setAsArchive={setAsArchive} />}
      {listing && listing.entries.length === 0 && <p className="muted">{t('picker.emptyFolder')}</p>}
      <PickerEntries listing={listing} filesOnly={filesOnly} chosen={chosen} toggle={toggle} open={open} />
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
