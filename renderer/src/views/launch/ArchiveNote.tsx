import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { bundlesLooseFiles } from '../../../../shared/jobs';
import { formatBytes, messageOf } from '../../lib/format';

/** Says, before the launch, that a chosen folder goes up as one archive, with what it holds. */
export function ArchiveNote({ path, name }: { path: string; name: string }) {
  const { t, i18n } = useTranslation();
  const [info, setInfo] = useState<{ files: number; bytes: number } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    api.jobs.describeInput({ path }).then(
      (r) => live && setInfo(r),
      (e: unknown) => live && setInfo({ error: messageOf(e) }),
    );
    return () => {
      live = false;
    };
  }, [path]);
  if (info && 'error' in info) {
    return (
      <p className="error" role="alert">
        {info.error}
      </p>
    );
  }
  const text = info
    ? t('launch.archiveNote', { name, count: info.files, formatted: info.files.toLocaleString(i18n.language || 'en'), size: formatBytes(info.bytes) })
    : t('launch.archiveCounting', { name });
  return (
    <p className="muted archive-note" aria-live="polite">
      {text}
    </p>
  );
}

/** Says that many loose files go up as one archive, when the launch will bundle them. */
export function LooseFilesNote({ names }: { names: string[] }) {
  const { t, i18n } = useTranslation();
  if (!bundlesLooseFiles(names)) return null;
  return (
    <p className="muted archive-note" aria-live="polite">
      {t('launch.looseNote', { formatted: names.length.toLocaleString(i18n.language || 'en') })}
    </p>
  );
}
