import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemoteEntry } from '../../../../shared/contract/files';
import { api } from '../../api/client';
import { messageOf } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { openFolder, openRecent, reloadFiles, setFilesTab, useFiles } from '../../stores/files';
import { openLaunch } from '../../stores/launch';
import { toast } from '../../stores/toasts';
import { EmptyState } from '../Placeholder';
import { FileTable } from './FileTable';

type FileEntry = RemoteEntry & { type: 'file' };

function Breadcrumbs() {
  const { t } = useTranslation();
  const crumbs = useFiles((s) => s.crumbs);
  return (
    <nav aria-label={t('files.path')} className="breadcrumbs">
      <ol>
        {crumbs.map((c, i) => (
          <li key={`${c.id}-${i}`}>
            {i === crumbs.length - 1 ? (
              <span aria-current="location">{c.name || t('files.library')}</span>
            ) : (
              <button type="button" className="link" onClick={() => void openFolder(crumbs.slice(0, i + 1))}>
                {c.name || t('files.library')}
              </button>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

function Actions({ chosen, onDone }: { chosen: FileEntry[]; onDone: () => void }) {
  const { t } = useTranslation();
  const none = chosen.length === 0;
  const run = async (fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      toast({ level: 'error', title: messageOf(e) });
    }
  };
  const download = () =>
    run(async () => {
      const r = await api.transfers.download({ fileIds: chosen.map((f) => f.id) });
      toast({ level: 'info', title: t('files.downloadStarted', { count: r.items.length, dir: r.dir }), path: r.dir });
      onDone();
    });
  const remove = async () => {
    const ok = await confirmAction({
      title: t('files.deleteTitle', { count: chosen.length }),
      body: t('files.deleteBody', {
        names: chosen
          .map((f) => f.name)
          .slice(0, 5)
          .join(', '),
      }),
      confirmLabel: t('files.delete'),
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      const r = await api.files.delete({ ids: chosen.map((f) => f.id) });
      for (const f of r.failed) toast({ level: 'error', title: t('files.deleteFailed'), body: f.message });
      onDone();
      await reloadFiles();
    });
  };
  return (
    <div className="actions" role="group" aria-label={t('files.selection', { count: chosen.length })}>
      <span className="muted">{t('files.selected', { count: chosen.length })}</span>
      <button type="button" disabled={none} onClick={() => void download()}>
        {t('files.download')}
      </button>
      <button type="button" disabled={none} onClick={() => openLaunch({ inputs: chosen.map((f) => ({ kind: 'file', fileId: f.id, name: f.name })) })}>
        {t('files.useAsInput')}
      </button>
      <button type="button" className="danger" disabled={none} onClick={() => void remove()}>
        {t('files.delete')}
      </button>
    </div>
  );
}

/** The user's Rescale files: browse folders (folders first) or the newest files, page by page. */
export function FilesView() {
  const { t } = useTranslation();
  const { tab, crumbs, entries, loading, error, recent } = useFiles();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [starting, setStarting] = useState<ReadonlySet<string>>(new Set());
  const downloadFolder = (f: RemoteEntry & { type: 'folder' }) => {
    setStarting((s) => new Set(s).add(f.id));
    void api.transfers
      .downloadFolder({ folderId: f.id, name: f.name })
      // Answered as soon as the folder's first files are listed; the Transfers view counts the rest.
      .then((r) => toast({ level: 'info', title: t('files.folderStarted', { name: f.name, dir: r.dir }), path: r.dir }))
      .catch((e: unknown) => toast({ level: 'error', title: messageOf(e) }))
      .finally(() => setStarting((s) => new Set([...s].filter((id) => id !== f.id))));
  };
  useEffect(() => {
    void reloadFiles();
  }, []);

  const shown = tab === 'browse' ? entries : recent.entries;
  const chosen = shown.filter((e): e is FileEntry => e.type === 'file' && selected.has(e.id));
  const toggle = (id: string) => setSelected((s) => (s.has(id) ? new Set([...s].filter((x) => x !== id)) : new Set(s).add(id)));

  return (
    <section className="view files-view" aria-labelledby="files-title">
      <header className="view-header">
        <h1 id="files-title">{t('nav.files')}</h1>
        <div className="segmented" role="group" aria-label={t('files.show')}>
          <button type="button" aria-pressed={tab === 'browse'} onClick={() => (setSelected(new Set()), setFilesTab('browse'))}>
            {t('files.browse')}
          </button>
          <button type="button" aria-pressed={tab === 'recent'} onClick={() => (setSelected(new Set()), setFilesTab('recent'))}>
            {t('files.recent')}
          </button>
        </div>
        <button type="button" onClick={() => void reloadFiles()} disabled={loading}>
          {t('common.refresh')}
        </button>
      </header>
      {tab === 'browse' && <Breadcrumbs />}
      <Actions chosen={chosen} onDone={() => setSelected(new Set())} />
      {error && (
        <p className="banner banner-err" role="alert">
          {error}
        </p>
      )}
      {loading && shown.length === 0 ? (
        <p className="muted">{t('common.loading')}</p>
      ) : shown.length === 0 && !error ? (
        <EmptyState text={tab === 'browse' ? t('files.emptyFolder') : t('files.emptyRecent')} />
      ) : (
        <FileTable
          caption={tab === 'browse' ? crumbs.at(-1)?.name || t('files.library') : t('files.recent')}
          entries={shown}
          selected={selected}
          onToggle={toggle}
          onToggleAll={(on) => setSelected(on ? new Set(shown.filter((e) => e.type === 'file').map((e) => e.id)) : new Set())}
          {...(tab === 'browse'
            ? {
                onOpen: (f: RemoteEntry & { type: 'folder' }) => (setSelected(new Set()), void openFolder([...crumbs, { id: f.id, name: f.name }])),
                onDownloadFolder: downloadFolder,
                starting,
              }
            : {})}
        />
      )}
      {tab === 'recent' && (recent.page > 1 || recent.hasNext) && (
        <nav className="pager" aria-label={t('files.pages')}>
          <button type="button" disabled={recent.page <= 1 || loading} onClick={() => void openRecent(recent.page - 1)}>
            {t('files.prev')}
          </button>
          <span>{t('files.page', { page: recent.page, pages: Math.max(1, Math.ceil(recent.count / recent.pageSize)) })}</span>
          <button type="button" disabled={!recent.hasNext || loading} onClick={() => void openRecent(recent.page + 1)}>
            {t('files.next')}
          </button>
        </nav>
      )}
    </section>
  );
}
