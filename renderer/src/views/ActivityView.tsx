import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityEntry } from '../../../shared/contract/events';
import { api, onEvent } from '../api/client';
import { formatDate } from '../lib/format';
import { useNavigation } from '../stores/navigation';
import { EmptyState } from './Placeholder';

export function ActivityView() {
  const { t, i18n } = useTranslation();
  // Entries with a phrase are said in the UI's language; older or free-form ones stay as written.
  const say = (e: ActivityEntry) => (e.text && i18n.exists(`activityLog.${e.text.key}`) ? t(`activityLog.${e.text.key}`, e.text.params) : e.message);
  const [entries, setEntries] = useState<ActivityEntry[]>([]);
  const [level, setLevel] = useState<'' | ActivityEntry['level']>('');
  const go = useNavigation((s) => s.go);

  useEffect(() => {
    let live = true;
    const off = onEvent('activity', (e) => setEntries((old) => [e, ...old].slice(0, 2000)));
    void api.activity.list(level ? { level } : {}).then((r) => live && setEntries(r.entries));
    return () => {
      live = false;
      off();
    };
  }, [level]);

  async function exportLog() {
    const { text, fileName } = await api.activity.export({});
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
    a.download = fileName;
    a.click();
    URL.revokeObjectURL(a.href);
  }

  const shown = level ? entries.filter((e) => e.level === level) : entries;
  return (
    <section aria-labelledby="activity-title" className="view">
      <header className="view-header">
        <h1 id="activity-title">{t('nav.activity')}</h1>
        <label>
          {t('activity.level')}{' '}
          <select value={level} onChange={(e) => setLevel(e.target.value as typeof level)}>
            <option value="">{t('activity.all')}</option>
            <option value="info">{t('activityLog.level.info')}</option>
            <option value="warn">{t('activityLog.level.warn')}</option>
            <option value="error">{t('activityLog.level.error')}</option>
          </select>
        </label>
        <button type="button" onClick={() => void exportLog()}>
          {t('activity.export')}
        </button>
      </header>
      {shown.length === 0 ? (
        <EmptyState text={t('activity.empty')} />
      ) : (
        <ul className="activity-list">
          {shown.map((e) => (
            <li key={e.id} className={`activity-${e.level}`}>
              <time dateTime={new Date(e.at).toISOString()}>{formatDate(e.at, { seconds: true })}</time>{' '}
              <span className="tag">{t(`activityLog.area.${e.area}`)}</span> {say(e)}
              {e.ref?.kind === 'job' && (
                <>
                  {' '}
                  <a href={`#/jobs/${encodeURIComponent(e.ref.id)}`} onClick={(ev) => (ev.preventDefault(), go('jobs', e.ref?.id))}>
                    {t('activity.openJob', { id: e.ref.id })}
                  </a>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
