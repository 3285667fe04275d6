import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatSpeed } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { transferActions, useTransfers, useTransfersUi } from '../../stores/transfers';
import { filters, headerFigures, type Category, type Overall, type TransferFilter } from '../../stores/transfers-model';

/**
 * Overall progress across the queue, summed from the rows (so a paused file counts with the bytes
 * it has); speed comes from main. Cancelled files leave the total, and the header says so.
 */
export function OverallProgress() {
  const { t } = useTranslation();
  const totals = useTransfers((s) => s.totals);
  const overall = useTransfers((s) => s.overall);
  const o = headerFigures({ totals, overall });
  const finished = o.active === 0 && o.paused === 0 && o.bytesTotal > 0 && o.bytesDone >= o.bytesTotal;
  return (
    <div className="overall" aria-label={t('transfers.overall')} role="group">
      <ProgressBar
        value={o.pct}
        label={t('transfers.overall')}
        valueText={`${o.pct}%`}
        tone={finished ? 'ok' : o.active === 0 && o.paused > 0 ? 'paused' : 'normal'}
      />
      <p className="overall-text">
        <span className="num">{t('transfers.overallBytes', { done: formatBytes(o.bytesDone), total: formatBytes(o.bytesTotal), pct: o.pct })}</span>
        {o.active > 0 && <span>{t('transfers.activeCount', { count: o.active })}</span>}
        {o.paused > 0 && <span data-note="paused">{t('transfers.pausedCount', { count: o.paused })}</span>}
        {o.bytesPerSecond > 0 && <span className="num">{formatSpeed(o.bytesPerSecond)}</span>}
        {o.active > 0 && o.etaSeconds !== null && <span className="num">{t('transfers.left', { eta: formatEta(o.etaSeconds) })}</span>}
        <RegistrationsNote regs={overall.registrations} />
        {o.cancelled > 0 && <span data-note="cancelled">{t('transfers.cancelledNote', { count: o.cancelled, size: formatBytes(o.cancelledBytes) })}</span>}
      </p>
    </div>
  );
}

/** Uploads: registered files, which follow the stored bytes at the platform's API pace. */
function RegistrationsNote({ regs }: { regs: Overall['registrations'] }) {
  const { t } = useTranslation();
  if (!regs || regs.done >= regs.total) return null;
  const figures = { done: regs.done, total: regs.total };
  return (
    <span className="num" data-note="registrations" title={t('transfers.registrationsHint', { rate: regs.perSecond })}>
      {regs.etaSeconds === null ? t('transfers.registrations', figures) : t('transfers.registrationsLeft', { ...figures, eta: formatEta(regs.etaSeconds) })}
    </span>
  );
}

/** What each chip counts is what its list shows: "All" lists a folder as one row, the others list files. */
function count(f: TransferFilter, c: Record<Category, number>, topRows: number): number {
  return f === 'all' ? topRows : c[f];
}

export function FilterBar() {
  const { t } = useTranslation();
  const counts = useTransfers((s) => s.counts);
  const topRows = useTransfers((s) => s.top.length);
  const { filter, setFilter } = useTransfersUi();
  return (
    <div className="filters" role="group" aria-label={t('transfers.filter')}>
      {filters.map((f) => (
        <button key={f} type="button" aria-pressed={filter === f} className="chip" onClick={() => setFilter(f)} data-filter={f}>
          {t(`transfers.filters.${f}`)} <span className="count">{count(f, counts, topRows)}</span>
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
      <button type="button" disabled={counts.done === 0} onClick={() => transferActions.clearFinished()}>
        {t('transfers.clearFinished')}
      </button>
      <button
        type="button"
        className="danger"
        disabled={working === 0}
        onClick={() =>
          void confirmAction({
            title: t('transfers.cancelAllTitle'),
            body: t('transfers.cancelAllBody', { count: working }),
            confirmLabel: t('transfers.cancelAll'),
            cancelLabel: t('transfers.keepAll'),
            danger: true,
          }).then((ok) => ok && transferActions.cancel())
        }
      >
        {t('transfers.cancelAll')}
      </button>
    </div>
  );
}
