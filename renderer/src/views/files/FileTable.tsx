import { useTranslation } from 'react-i18next';
import type { RemoteEntry } from '../../../../shared/contract/files';
import { Icon } from '../../components/Icon';
import { formatBytes, formatDate } from '../../lib/format';

type Folder = RemoteEntry & { type: 'folder' };

/** One entry: a file to select, or a folder to open or download. */
function FileRow({
  e,
  selected,
  onToggle,
  onOpen,
  onDownloadFolder,
  starting,
}: {
  e: RemoteEntry;
  selected: boolean;
  onToggle: (id: string) => void;
  onOpen?: ((e: Folder) => void) | undefined;
  onDownloadFolder?: ((e: Folder) => void) | undefined;
  /** Its download was asked for and has not started yet: a second click would download it twice. */
  starting: boolean;
}) {
  const { t } = useTranslation();
  return (
    <tr className={selected ? 'selected' : undefined} data-entry={e.name}>
      <td className="col-check">
        {e.type === 'file' ? (
          <input type="checkbox" checked={selected} onChange={() => onToggle(e.id)} aria-label={t('files.select', { name: e.name })} />
        ) : null}
      </td>
      <td>
        {e.type === 'folder' ? (
          onOpen ? (
            <button type="button" className="link" onClick={() => onOpen(e)}>
              <Icon name="folder" />
              {e.name}
            </button>
          ) : (
            e.name
          )
        ) : (
          <span>
            <Icon name="file" />
            {e.name} <span className="muted">{e.id}</span>
          </span>
        )}
      </td>
      <td className="num">{e.type === 'file' ? formatBytes(e.size) : ''}</td>
      <td>{e.type === 'file' ? formatDate(e.uploadedAt) : ''}</td>
      <td>
        {e.type === 'folder' && onDownloadFolder && (
          <button
            type="button"
            className="small"
            disabled={starting}
            onClick={() => onDownloadFolder(e)}
            aria-label={t('files.downloadFolder', { name: e.name })}
          >
            {t('files.download')}
          </button>
        )}
      </td>
    </tr>
  );
}

/** Folders and files with a checkbox each; folders open on click. */
export function FileTable({
  entries,
  selected,
  onToggle,
  onToggleAll,
  onOpen,
  onDownloadFolder,
  starting = new Set(),
  caption,
}: {
  entries: RemoteEntry[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (on: boolean) => void;
  onOpen?: (e: Folder) => void;
  onDownloadFolder?: (e: Folder) => void;
  /** Folders whose download is starting (their button waits). */
  starting?: ReadonlySet<string>;
  caption: string;
}) {
  const { t } = useTranslation();
  const files = entries.filter((e) => e.type === 'file');
  const all = files.length > 0 && files.every((f) => selected.has(f.id));
  return (
    <table className="file-table">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col" className="col-check">
            <input
              type="checkbox"
              checked={all}
              disabled={files.length === 0}
              onChange={(e) => onToggleAll(e.target.checked)}
              aria-label={t('files.selectAll')}
            />
          </th>
          <th scope="col">{t('files.name')}</th>
          <th scope="col" className="num">
            {t('files.size')}
          </th>
          <th scope="col">{t('files.uploaded')}</th>
          <th scope="col">
            <span className="sr-only">{t('files.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <FileRow
            key={`${e.type}-${e.id}`}
            e={e}
            selected={selected.has(e.id)}
            onToggle={onToggle}
            onOpen={onOpen}
            onDownloadFolder={onDownloadFolder}
            starting={e.type === 'folder' && starting.has(e.id)}
          />
        ))}
      </tbody>
    </table>
  );
}
