import i18next from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMoney } from '../../../../shared/cost';
import { sweepEnded, type SweepRowView, type SweepView } from '../../../../shared/sweeps';
import { api } from '../../api/client';
import { ProgressBar } from '../../components/ProgressBar';
import { formatEta, messageOf, percent } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { useNavigation } from '../../stores/navigation';
import { refreshSweep, refreshSweeps } from '../../stores/sweeps';
import { toast } from '../../stores/toasts';
import { outcomeLabel, statusLabel } from '../jobs/labels';
import { SweepTable } from './SweepTable';

/** A row's state in words: the platform's status once sent, the outbox step before. */
function rowState(r: SweepRowView): { label: string; kind: string } {
  if (r.state === 'submitted' && r.outcome !== 'not_submitted')
    return { label: r.outcome === 'running' ? statusLabel(r.status) : outcomeLabel(r.outcome), kind: r.outcome };
  return { label: i18next.t(`jobs.submission.${r.state}`), kind: r.state };
}

/** The browser saves the text as a file: a Blob behind a temporary link. */
function saveText(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Rows whose job has ended on the platform (their outputs can be downloaded). */
const endedJobs = (v: SweepView): number => v.rows.filter((r) => r.outcome === 'completed' || r.outcome === 'failed' || r.outcome === 'stopped').length;

function Actions({ v }: { v: SweepView }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    try {
      await what();
    } catch (e) {
      toast({ level: 'error', title: t('sweeps.actionFailed'), body: messageOf(e) });
    } finally {
      setBusy(false);
      void refreshSweep(v.id);
      void refreshSweeps();
    }
  };
  const open = v.counts.waiting + v.counts.pending + v.counts.running > 0;
  const stopAll = () =>
    run(async () => {
      const ok = await confirmAction({
        title: t('sweeps.stopConfirm', { name: v.name }),
        body: t('sweeps.stopBody', { waiting: v.counts.waiting, running: v.counts.pending + v.counts.running }),
        confirmLabel: t('sweeps.stopAll'),
        cancelLabel: t('sweeps.keepGoing'),
        danger: true,
      });
      if (!ok) return;
      const r = await api.sweeps.stopAll({ sweep: v.id });
      toast({ level: 'info', title: t('sweeps.stopped', { cancelled: r.cancelled, stopping: r.stopping }) });
    });
  const retry = () =>
    run(async () => {
      const r = await api.sweeps.retryFailed({ sweep: v.id });
      toast({
        level: 'info',
        title: t('sweeps.retried', { count: r.retried }),
        ...(r.alreadyRetried ? { body: t('sweeps.alreadyRetried', { count: r.alreadyRetried }) } : {}),
      });
    });
  const download = () =>
    run(async () => {
      const r = await api.sweeps.downloadOutputs({ sweep: v.id });
      toast({
        level: 'info',
        title: t('sweeps.downloading', { jobs: r.jobs, files: r.files, skipped: r.skipped }),
        ...(r.notDownloaded.length ? { body: t('sweeps.notDownloaded', { count: r.notDownloaded.length }) } : {}),
      });
    });
  const exportCsv = () =>
    run(async () => {
      const r = await api.sweeps.exportCsv({ sweep: v.id });
      saveText(r.csv, r.fileName);
    });
  return (
    <div className="sweep-actions">
      <button type="button" className="danger" disabled={busy || !open} onClick={() => void stopAll()}>
        {t('sweeps.stopAll')}
      </button>
      <button type="button" disabled={busy || v.counts.failed === 0} onClick={() => void retry()}>
        {t('sweeps.retryFailed')}
      </button>
      <button type="button" disabled={busy || endedJobs(v) === 0} onClick={() => void download()}>
        {t('sweeps.downloadAll')}
      </button>
      <button type="button" disabled={busy} onClick={() => void exportCsv()}>
        {t('sweeps.exportCsv')}
      </button>
    </div>
  );
}

function Row({ r, columns }: { r: SweepRowView; columns: string[] }) {
  const { t, i18n } = useTranslation();
  const go = useNavigation((s) => s.go);
  const s = rowState(r);
  // Nothing to show before the job runs (a queued job costs nothing yet).
  const cost = r.cost?.startedAt ? (formatMoney(r.cost.soFar, r.cost.currency, i18n.language, r.outcome === 'running') ?? t('cost.notAvailable')) : '';
  return (
    <tr data-row={r.row} data-state={r.state} data-outcome={r.outcome}>
      <td className="num">{r.row}</td>
      {columns.map((c) => (
        <td key={c}>{r.values[c] ?? ''}</td>
      ))}
      <td>
        <span className={`badge outcome-${s.kind}`}>{s.label}</span>
        {r.etaSeconds !== null && <span className="muted eta"> {t('sweeps.goesOut', { eta: formatEta(r.etaSeconds) })}</span>}
        {r.error && <small className="error block">{r.error.message}</small>}
      </td>
      <td>
        {r.jobId ? (
          <a
            href={`#/jobs/${encodeURIComponent(r.jobId)}`}
            onClick={(e) => (e.preventDefault(), go('jobs', r.jobId ?? undefined))}
            aria-label={t('sweeps.openJob', { id: r.jobId, row: r.row })}
          >
            {r.jobId}
          </a>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num" data-testid="row-cost">
        {cost}
      </td>
    </tr>
  );
}

/** One sweep: a row per job, the aggregate progress, and stop all / retry failed / export. */
export function SweepBatch({ v }: { v: SweepView }) {
  const { t } = useTranslation();
  const c = v.counts;
  return (
    <section className="sweep-batch" aria-labelledby="sweep-batch-h">
      <header className="detail-header">
        <h2 id="sweep-batch-h">{v.name}</h2>
        <span className="muted">{t('sweeps.fromTemplate', { name: v.templateName })}</span>
      </header>
      <ProgressBar value={percent(sweepEnded(c), v.total)} label={t('sweeps.progressLabel')} />
      <p className="sweep-progress" data-testid="sweep-progress">
        {t('sweeps.progress', { submitted: c.submitted, total: v.total, running: c.running, waiting: c.waiting + c.pending, completed: c.completed })}
        {c.failed > 0 && ` · ${t('sweeps.failedCount', { count: c.failed })}`}
        {c.stopped > 0 && ` · ${t('sweeps.stoppedCount', { count: c.stopped })}`}
        {c.cancelled > 0 && ` · ${t('sweeps.cancelledCount', { count: c.cancelled })}`}
      </p>
      {v.next && (
        <p className="muted" data-testid="sweep-next">
          {t('sweeps.next', { row: v.next.row, total: v.total, eta: formatEta(v.next.etaSeconds) })}
        </p>
      )}
      <Actions v={v} />
      <SweepTable
        headers={
          <>
            {v.columns.map((col) => (
              <th key={col} scope="col">
                {col}
              </th>
            ))}
            <th scope="col">{t('sweeps.state')}</th>
            <th scope="col">{t('sweeps.job')}</th>
            <th className="num" scope="col">
              {t('sweeps.cost')}
            </th>
          </>
        }
      >
        {v.rows.map((r) => (
          <Row key={r.row} r={r} columns={v.columns} />
        ))}
      </SweepTable>
    </section>
  );
}
