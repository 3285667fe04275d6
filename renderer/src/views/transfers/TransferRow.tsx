import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TransferView } from '../../../../shared/contract/transfers';
import { Icon } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatSpeed } from '../../lib/format';
import { transferActions, useTransfers, useTransfersUi } from '../../stores/transfers';
import { itemPercent } from '../../stores/transfers-model';

export const ROW_HEIGHT = 56;

const tone = (s: TransferView['state']) => (s === 'done' ? 'ok' : s === 'failed' ? 'err' : s === 'paused' || s === 'cancelled' ? 'paused' : 'normal');

function RowActions({ item, tab }: { item: TransferView; tab: 0 | -1 }) {
  const { t } = useTranslation();
  const name = item.name;
  const s = item.state;
  return (
    <div role="cell" className="cell-actions">
      {(s === 'running' || s === 'verifying' || s === 'queued') && (
        <button
          type="button"
          className="icon"
          tabIndex={tab}
          aria-label={t('transfers.pauseOne', { name })}
          title={t('transfers.pause')}
          onClick={() => void transferActions.pause(item.id)}
        >
          <Icon name="pause" />
        </button>
      )}
      {s === 'paused' && (
        <button
          type="button"
          className="icon"
          tabIndex={tab}
          aria-label={t('transfers.resumeOne', { name })}
          title={t('transfers.resume')}
          onClick={() => void transferActions.resume(item.id)}
        >
          <Icon name="play" />
        </button>
      )}
      {(s === 'failed' || s === 'cancelled') && (
        <button
          type="button"
          className="icon"
          tabIndex={tab}
          aria-label={t('transfers.retryOne', { name })}
          title={t('common.retry')}
          onClick={() => void transferActions.retry(item.id)}
        >
          <Icon name="retry" />
        </button>
      )}
      {s !== 'done' && s !== 'cancelled' && s !== 'failed' && (
        <button
          type="button"
          className="icon"
          tabIndex={tab}
          aria-label={t('transfers.cancelOne', { name })}
          title={t('common.cancel')}
          onClick={() => void transferActions.cancel(item.id)}
        >
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}

/** One transfer (or folder batch). Subscribes to its own item, so progress elsewhere does not re-render it. */
export const TransferRow = memo(function TransferRow({
  id,
  depth,
  index,
  start,
  active,
  flat,
}: {
  id: string;
  depth: 0 | 1;
  index: number;
  start: number;
  active: boolean;
  flat: boolean;
}) {
  const { t } = useTranslation();
  const item = useTransfers((s) => s.byId[id]);
  const parentName = useTransfers((s) => (flat && item?.parentId ? s.byId[item.parentId]?.name : undefined));
  const expanded = useTransfersUi((s) => s.expanded.has(id));
  const toggle = useTransfersUi((s) => s.toggle);
  const childCount = useTransfers((s) => (item?.isBatch ? (s.children[id]?.length ?? 0) : 0));
  if (!item) return null;
  const p = itemPercent(item);
  const stateLabel = t(`transfers.state.${item.state}`);
  const problem = item.state === 'failed' && item.error ? item.error : item.notice;
  // The reason of a failure (or a notice) gets a line of its own across the row: it must be readable.
  const secondary = problem
    ? { text: problem.message, tone: item.state === 'failed' ? 'error' : 'notice' }
    : item.isBatch
      ? { text: t('transfers.folderOf', { count: childCount }), tone: 'muted' }
      : null;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      data-id={id}
      data-state={item.state}
      tabIndex={active ? 0 : -1}
      className={`trow depth-${depth} state-${item.state}${secondary ? ' two-line' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      <div role="cell" className="cell-name">
        {item.isBatch && !flat ? (
          <button
            type="button"
            className="icon expander"
            tabIndex={active ? 0 : -1}
            aria-expanded={expanded}
            aria-label={t(expanded ? 'transfers.collapse' : 'transfers.expand', { name: item.name })}
            onClick={() => toggle(id)}
          >
            <Icon name={expanded ? 'chevronDown' : 'chevronRight'} />
          </button>
        ) : (
          <span className="expander" aria-hidden="true" />
        )}
        <span className="kind" title={t(`transfers.kind.${item.kind}`)}>
          <Icon name={item.kind === 'upload' ? 'up' : 'down'} size={14} />
          <span className="sr-only">{t(`transfers.kind.${item.kind}`)}</span>
        </span>
        <span className="name" title={item.localPath}>
          {parentName && <span className="muted">{parentName}/</span>}
          {item.name}
        </span>
        {secondary && (
          <span className={`reason ${secondary.tone}`} title={secondary.text}>
            {secondary.text}
          </span>
        )}
      </div>
      <div role="cell" className="cell-size num">
        {formatBytes(item.size)}
      </div>
      <div role="cell" className="cell-progress">
        <ProgressBar value={p} tone={tone(item.state)} label={t('transfers.progressOf', { name: item.name })} valueText={`${p}%`} />
        <span className="pct num">{p}%</span>
      </div>
      <div role="cell" className="cell-speed num">
        {item.state === 'running' || item.state === 'verifying' ? formatSpeed(item.bytesPerSecond) : ''}
      </div>
      <div role="cell" className="cell-eta num">
        {item.state === 'running' ? formatEta(item.etaSeconds) : ''}
      </div>
      <div role="cell" className="cell-state">
        <span className={`badge badge-${item.state}`}>{stateLabel}</span>
      </div>
      <RowActions item={item} tab={active ? 0 : -1} />
    </div>
  );
});
