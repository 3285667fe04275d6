import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../lib/format';
import { openOutbox, refreshJobs, useJobs } from '../../stores/jobs';
import { openLaunch } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { EmptyState } from '../Placeholder';
import { MonthTotal } from './CostCard';
import { JobDetailPane } from './JobDetailPane';
import { outcomeLabel, statusLabel } from './labels';
import { QueuedRow } from './QueuedRow';
import { TagFilter, useTagFilter } from '../records/TagFilter';

function JobRow({ id, selected }: { id: string; selected: boolean }) {
  const j = useJobs((s) => s.jobs[id]);
  const go = useNavigation((s) => s.go);
  if (!j) return null;
  return (
    <li className={`job-row${selected ? ' selected' : ''}`} data-job={id} data-status={j.status}>
      <div className="job-main">
        <a
          href={`#/jobs/${encodeURIComponent(id)}`}
          className="job-name"
          aria-current={selected ? 'true' : undefined}
          onClick={(e) => (e.preventDefault(), go('jobs', id))}
        >
          {j.name}
        </a>
        <span className="muted">
          {id}
          {j.dateInserted ? ` · ${formatDate(j.dateInserted)}` : ''}
        </span>
      </div>
      <span className={`badge outcome-${j.outcome}`}>{j.outcome === 'running' ? statusLabel(j.status) : outcomeLabel(j.outcome)}</span>
    </li>
  );
}

function JobList({ selected }: { selected: string | undefined }) {
  const { t } = useTranslation();
  const all = useJobs((s) => s.order);
  const filter = useTagFilter();
  const order = filter.ids ? all.filter((id) => filter.ids?.has(id)) : all;
  const monthCost = useJobs((s) => s.monthCost);
  const outbox = useJobs((s) => s.outbox);
  const loaded = useJobs((s) => s.loaded);
  const go = useNavigation((s) => s.go);
  const queued = openOutbox(outbox);
  if (!loaded) return <p className="muted">{t('common.loading')}</p>;
  if (filter.tag && order.length === 0) return <p className={filter.error ? 'error' : 'muted'}>{filter.error ?? t('records.noTagged', { tag: filter.tag })}</p>;
  if (order.length === 0 && queued.length === 0)
    return (
      <EmptyState text={t('jobs.empty')}>
        <button type="button" className="primary" onClick={() => go('templates')}>
          {t('jobs.toTemplates')}
        </button>
      </EmptyState>
    );
  return (
    <div className="job-lists">
      {queued.length > 0 && (
        <section aria-labelledby="outbox-h">
          <h2 id="outbox-h" className="list-title">
            {t('jobs.outbox')}
          </h2>
          <ul className="job-list">
            {queued.map((e) => (
              <QueuedRow key={e.id} e={e} />
            ))}
          </ul>
        </section>
      )}
      {order.length > 0 && (
        <section aria-labelledby="recent-jobs-h">
          <h2 id="recent-jobs-h" className="list-title">
            {t('jobs.recent')}
          </h2>
          <MonthTotal m={monthCost} />
          <ul className="job-list">
            {order.map((id) => (
              <JobRow key={id} id={id} selected={id === selected} />
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

/** The user's jobs with live status, the outbox on top; a job's details beside the list. */
export function JobsView() {
  const { t } = useTranslation();
  const detail = useNavigation((s) => s.detail);
  const error = useJobs((s) => s.error);
  const online = useJobs((s) => s.online);
  useEffect(() => {
    void refreshJobs();
  }, []);
  return (
    <section className="view jobs-view" aria-labelledby="jobs-title">
      <header className="view-header">
        <h1 id="jobs-title">{t('nav.jobs')}</h1>
        <TagFilter />
        <button type="button" onClick={() => void refreshJobs()}>
          {t('common.refresh')}
        </button>
        <button type="button" className="primary" onClick={() => openLaunch()}>
          {t('jobs.launch')}
        </button>
      </header>
      {error && (
        <p className={online ? 'banner banner-err' : 'banner banner-warn'} role="status">
          {error}
        </p>
      )}
      <div className={`master-detail${detail ? ' has-detail' : ''}`}>
        <div className="master">
          <JobList selected={detail} />
        </div>
        {detail && <JobDetailPane key={detail} jobId={decodeURIComponent(detail)} />}
      </div>
    </section>
  );
}
