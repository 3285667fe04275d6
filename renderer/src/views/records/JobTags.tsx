import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Icon } from '../../components/Icon';
import { messageOf } from '../../lib/format';
import { toast } from '../../stores/toasts';

/** The job's tags on the platform: add one, remove one (each change is sent at once). */
export function JobTags({ jobId }: { jobId: string }) {
  const { t } = useTranslation();
  const [tags, setTags] = useState<string[] | null>(null);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    api.jobs
      .tags({ jobId })
      .then((r) => live && setTags(r.tags))
      .catch(() => live && setTags([]));
    return () => {
      live = false;
    };
  }, [jobId]);
  const change = async (c: { add?: string[]; remove?: string[] }) => {
    setBusy(true);
    try {
      setTags((await api.jobs.setTags({ jobId, ...c })).tags);
      if (c.add) setText('');
    } catch (e) {
      toast({ level: 'error', title: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card job-tags" aria-labelledby="tags-h">
      <h2 id="tags-h">{t('records.tags')}</h2>
      {tags === null ? (
        <p className="muted">{t('common.loading')}</p>
      ) : tags.length === 0 ? (
        <p className="muted">{t('records.noTags')}</p>
      ) : (
        <ul className="plain tag-list">
          {tags.map((tag) => (
            <li key={tag} className="tag" data-tag={tag}>
              {tag}
              <button
                type="button"
                className="icon"
                disabled={busy}
                aria-label={t('records.removeTag', { tag })}
                onClick={() => void change({ remove: [tag] })}
              >
                <Icon name="close" />
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="row-fields"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) void change({ add: [text.trim()] });
        }}
      >
        <input aria-label={t('records.newTag')} value={text} maxLength={100} onChange={(e) => setText(e.target.value)} />
        <button type="submit" disabled={busy || !text.trim()}>
          {t('records.addTag')}
        </button>
      </form>
    </section>
  );
}
