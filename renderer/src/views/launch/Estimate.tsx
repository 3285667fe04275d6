import { useTranslation } from 'react-i18next';
import { estimate, formatMoney } from '../../../../shared/cost';
import type { JobTemplate } from '../../../../shared/jobs';
import { useTemplates } from '../../stores/templates';

/** Before launch: the hourly price of the template's hardware and the total for its walltime. */
export function Estimate({ template }: { template: JobTemplate }) {
  const { t, i18n } = useTranslation();
  const catalog = useTemplates((s) => s.catalog);
  // No catalog and none coming (offline, never fetched): no price rather than a spinner forever.
  const failed = useTemplates((s) => s.catalogError !== null);
  const e = estimate(template, catalog);
  const money = (n: number | null) => formatMoney(n, e.currency, i18n.language) ?? t('cost.notAvailable');
  return (
    <>
      <dt>{t('cost.estimate')}</dt>
      <dd data-testid="launch-estimate" data-hourly={e.hourly ?? ''} data-total={e.total ?? ''} data-currency={e.currency}>
        {!catalog && !failed ? (
          <span className="muted">{t('common.loading')}</span>
        ) : e.hourly === null ? (
          <span data-testid="launch-hourly">{t('cost.notAvailable')}</span>
        ) : (
          <>
            <span data-testid="launch-hourly">{t('cost.perHour', { price: money(e.hourly) })}</span>
            <span data-testid="launch-total">{e.hours === null ? t('cost.noWalltime') : t('cost.forWalltime', { total: money(e.total), hours: e.hours })}</span>
          </>
        )}
        {e.lowPriority && <span className="muted hint">{t('cost.lowPriority')}</span>}
      </dd>
    </>
  );
}
