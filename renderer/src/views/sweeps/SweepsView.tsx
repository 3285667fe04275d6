import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { onEvent } from '../../api/client';
import { formatDate } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { openSweepDialog, refreshSweep, refreshSweeps, useSweeps } from '../../stores/sweeps';
import { EmptyState } from '../Placeholder';
import { SweepBatch } from './SweepBatch';

/** While the view is shown: again on every job or outbox change, and gently on a timer (the "goes out in" times move). */
function useLiveRefresh(selected: string | undefined) {
  useEffect(() => {
    const again = () => {
      void refreshSweeps();
      if (selected) void refreshSweep(selected);
    };
    again();
    const offs = [onEvent('outboxChanged', again), onEvent('jobChanged', again)];
    const timer = setInterval(again, 5000);
    return () => {
      clearInterval(timer);
      for (const off of offs) off();
    };
  }, [selected]);
}

function SweepList({ selected }: { selected: string | undefined }) {
  const { t } = useTranslation();
  const { list, loaded } = useSweeps();
  const go = useNavigation((s) => s.go);
  if (!loaded) return <p className="muted">{t('common.loading')}</p>;
  if (list.length === 0)
    return (
      <EmptyState text={t('sweeps.empty')}>
        <button type="button" className="primary" onClick={() => openSweepDialog(true)}>
          {t('sweeps.new')}
        </button>
      </EmptyState>
    );
  return (
    <ul className="job-list sweep-list">
      {list.map((s) => (
        <li key={s.id} className={`job-row${s.id === selected ? ' selected' : ''}`} data-sweep={s.id}>
          <div className="job-main">
            <a
              href={`#/sweeps/${encodeURIComponent(s.id)}`}
              className="job-name"
              aria-current={s.id === selected ? 'true' : undefined}
              onClick={(e) => (e.preventDefault(), go('sweeps', s.id))}
            >
              {s.name}
            </a>
            <span className="muted">
              {s.templateName} · {formatDate(s.createdAt)}
            </span>
          </div>
          <span className="badge">{t('sweeps.listProgress', { submitted: s.counts.submitted, total: s.total })}</span>
        </li>
      ))}
    </ul>
  );
}

/** Parameter sweeps: the list, and one sweep's batch view beside it. */
export function SweepsView() {
  const { t } = useTranslation();
  const detail = useNavigation((s) => s.detail);
  const selected = detail ? decodeURIComponent(detail) : undefined;
  const { error, current, currentError } = useSweeps();
  useLiveRefresh(selected);
  const shown = current && selected && (current.id === selected || current.name === selected) ? current : null;
  return (
    <section className="view sweeps-view" aria-labelledby="sweeps-title">
      <header className="view-header">
        <h1 id="sweeps-title">{t('nav.sweeps')}</h1>
        <button type="button" className="primary" onClick={() => openSweepDialog(true)}>
          {t('sweeps.new')}
        </button>
      </header>
      {error && (
        <p className="banner banner-err" role="status">
          {error}
        </p>
      )}
      <div className={`master-detail${selected ? ' has-detail' : ''}`}>
        <div className="master">
          <SweepList selected={shown?.id ?? selected} />
        </div>
        {selected && (
          <div className="detail sweep-detail">
            {shown ? (
              <SweepBatch v={shown} />
            ) : currentError ? (
              <p className="error" role="alert">
                {currentError}
              </p>
            ) : (
              <p className="muted">{t('common.loading')}</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
