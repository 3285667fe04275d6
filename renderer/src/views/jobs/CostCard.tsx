import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { costSoFar, formatMoney } from '../../../../shared/cost';
import type { JobDetail, MonthCost } from '../../../../shared/jobs';

/** Ticks once a second while `on`, so a running job's cost moves without asking the platform. */
function useNow(on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [on]);
  return now;
}

/** The job's cost so far (hourly price × running time), the final figure once it has ended. */
export function CostCard({ d }: { d: JobDetail }) {
  const { t, i18n } = useTranslation();
  const c = d.cost;
  const running = d.outcome === 'running' && !!c && c.startedAt !== null;
  const now = useNow(running);
  if (!c) return null;
  const money = (n: number | null, live = false) => formatMoney(n, c.currency, i18n.language, live) ?? t('cost.notAvailable');
  // The live history (jobChanged events) ends the run; the detail's own figure is a fallback.
  const soFar = costSoFar(c.hourly, d.history, now);
  const ended = d.outcome !== 'running' && d.outcome !== 'not_submitted';
  return (
    <section className="card cost-card" aria-labelledby="cost-h">
      <h2 id="cost-h">{t('cost.title')}</h2>
      <dl className="launch-facts">
        <dt>{ended ? t('cost.final') : t('cost.soFar')}</dt>
        <dd data-testid="cost-so-far" data-amount={soFar ?? ''}>
          {c.hourly === null ? t('cost.notAvailable') : c.startedAt === null && !ended ? t('cost.notRunning') : money(soFar, !ended)}
        </dd>
        <dt>{t('cost.hourly')}</dt>
        <dd>
          {money(c.hourly)}{' '}
          <span className="muted">
            ({t('cost.hardware', { coreType: c.coreType, cores: c.cores })}
            {c.lowPriority ? `, ${t('cost.lowPriority')}` : ''})
          </span>
        </dd>
        {c.walltimeHours !== null && (
          <>
            <dt>{t('cost.walltime')}</dt>
            <dd data-testid="cost-walltime">{t('cost.walltimeHours', { hours: c.walltimeHours })}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** The Jobs list's month-to-date total of the jobs Courier knows. */
export function MonthTotal({ m }: { m: MonthCost | null }) {
  const { t, i18n } = useTranslation();
  if (!m || m.jobs === 0) return null;
  const total = formatMoney(m.total, m.currency, i18n.language) ?? t('cost.notAvailable');
  return (
    <p className="muted month-cost" data-testid="month-cost" data-total={m.total ?? ''}>
      {t('cost.monthToDate', { total, jobs: m.jobs })}
      {m.unpriced > 0 && m.total !== null && ` ${t('cost.monthUnpriced', { unpriced: m.unpriced })}`}
    </p>
  );
}
