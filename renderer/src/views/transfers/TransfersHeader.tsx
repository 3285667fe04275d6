import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatSpeed, percent } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { transferActions, useTransfers, useTransfersUi } from '../../stores/transfers';
import { filters, type Category, type TransferFilter } from '../../stores/transfers-model';

/** Overall progress across the queue: bytes, speed and time left, from main's own accounting. */
export function OverallProgress() {
  const { t } = useTranslation();
  const o = useTransfers((s) => s.overall);
  const p = percent(o.bytesDone, o.bytesTotal);
  return (
    <div className="overall" aria-label={t('transfers.overall')} role="group">
      <ProgressBar value={p} label={t('transfers.overall')} valueText={`${p}%`} tone={o.active === 0 && o.bytesTotal > 0 && o.bytesDone >= o.bytesTotal ? 'ok' : 'normal'} />
      <p className="overall-text">
        <span className="num">{t('transfers.overallBytes', { done: formatBytes(o.bytesDone), total: formatBytes(o.bytesTotal), pct: p })}</span>
        {o.active > 0 && <span>{t('transfers.activeCount', { count: o.active })}</span>}
        {o.bytesPerSecond > 0 && <span className="num">{formatSpeed(o.bytesPerSecond)}</span>}
        {o.active > 0 && o.etaSeconds !== null && <span className="num">{t('transfers.left', { eta: formatEta(o.etaSeconds) })}</span>}
      </p>
    </div>
  );
}

function count(f: TransferFilter, c: Record<Category, number>): number {
  return f === 'all' ? c.active + c.queued + c.done + c.failed + c.other : c[f];
}

export function FilterBar() {
  const { t } = useTranslation();
  const counts = useTransfers((s) => s.counts);
  const { filter, setFilter } = useTransfersUi();
  return (
    <div className="filters" role="group" aria-label={t('transfers.filter')}>
      {filters.map((f) => (
        <button key={f} type="button" aria-pressed={filter === f} className="chip" onClick={() => setFilter(f)} data-filter={f}>
          {t(`transfers.filters.${f}`)} <span className="count">{count(f, counts)}</span>
        </button>
      ))}
    </div>
  );
}

export function BulkActions() {
  const { t } = useTranslation();
  const counts = useTransfers((s) => s.counts);
  const working = counts.active + counts.queued;
  return (
    <div className="actions" role="group" aria-label={t('transfers.allActions')}>
      <button type="button" disabled={working === 0} onClick={() => void transferActions.pause()}>
        {t('transfers.pauseAll')}
      </button>
      <button type="button" disabled={working === 0} onClick={() => void transferActions.resume()}>
        {t('transfers.resumeAll')}
      </button>
      <button type="button" disabled={counts.failed === 0} onClick={() => void transferActions.retryFailed()}>
        {t('transfers.retryFailed')}
      </button>
      <button
        type="button"
        className="danger"
        disabled={working === 0}
        onClick={() =>
          void confirmAction({ title: t('transfers.cancelAllTitle'), body: t('transfers.cancelAllBody', { count: working }), confirmLabel: t('transfers.cancelAll'), cancelLabel: t('transfers.keepAll'), danger: true }).then(
            (ok) => ok && transferActions.cancel(),
          )
        }
      >
        {t('transfers.cancelAll')}
      </button>
    </div>
  );
}
