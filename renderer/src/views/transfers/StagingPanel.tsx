import { useTranslation } from 'react-i18next';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, percent } from '../../lib/format';
import { dropBatch, useStaging, type StagingBatch } from '../../stores/staging';
import { cancelStaging } from '../../transfers/staging';

function Batch({ b }: { b: StagingBatch }) {
  const { t } = useTranslation();
  const p = percent(b.bytesDone, b.bytesTotal);
  return (
    <li className={`staging-batch staging-${b.state}`} data-staging={b.state}>
      <div className="staging-text">
        <strong>{b.label}</strong>
        <span className="muted">
          {b.state === 'staging' &&
            t('staging.progress', { done: b.filesDone, files: b.files, bytes: formatBytes(b.bytesDone), total: formatBytes(b.bytesTotal) })}
          {b.state === 'starting' && t('staging.starting', { files: b.files })}
        </span>
        {b.state === 'failed' && (
          <span className="error" role="alert">
            {b.error}
          </span>
        )}
      </div>
      <ProgressBar
        value={b.state === 'failed' ? p : b.state === 'starting' ? 100 : p}
        tone={b.state === 'failed' ? 'err' : 'normal'}
        label={t('staging.progressOf', { name: b.label })}
        valueText={`${p}%`}
      />
      {b.state === 'failed' ? (
        <button type="button" onClick={() => dropBatch(b.id)}>
          {t('common.dismiss')}
        </button>
      ) : (
        <button type="button" disabled={b.state !== 'staging'} onClick={() => cancelStaging(b.id)} aria-label={t('staging.cancel', { name: b.label })}>
          {t('common.cancel')}
        </button>
      )}
    </li>
  );
}

/** Dropped files on their way into Courier (the browser's copy step), before they join the queue. */
export function StagingPanel() {
  const { t } = useTranslation();
  const batches = useStaging((s) => s.batches);
  if (batches.length === 0) return null;
  return (
    <section className="staging card" aria-label={t('staging.title')}>
      <ul>
        {batches.map((b) => (
          <Batch key={b.id} b={b} />
        ))}
      </ul>
    </section>
  );
}
