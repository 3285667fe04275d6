import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivityEntry } from '../../../shared/contract/app';
import { api, onEvent } from '../api/client';
import { useNavigation } from '../stores/navigation';
import { EmptyState } from './Placeholder';

export function ActivityView() {
  const { t } = useTranslation();
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
            <option value="info">info</option>
            <option value="warn">warn</option>
            <option value="error">error</option>
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
              <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleString()}</time> <span className="tag">{e.area}</span> {e.message}
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
