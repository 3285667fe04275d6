import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { TransferView } from '../../../../shared/contract/events';
import { CopyButton } from '../../components/CopyButton';
import { Icon, type IconName } from '../../components/Icon';
import { ProgressBar } from '../../components/ProgressBar';
import { formatBytes, formatEta, formatSpeed } from '../../lib/format';
import { useTransfers, useTransfersUi } from '../../stores/transfers';
import { itemPercent } from '../../stores/transfers-model';
import { rowActions, runRowAction, type RowAction } from './row-actions';

export const ROW_HEIGHT = 56;

const tone = (s: TransferView['state']) => (s === 'done' ? 'ok' : s === 'failed' ? 'err' : s === 'paused' || s === 'cancelled' ? 'paused' : 'normal');

const buttons: Record<RowAction, { label: string; title: string; icon: IconName }> = {
  pause: { label: 'transfers.pauseOne', title: 'transfers.pause', icon: 'pause' },
  resume: { label: 'transfers.resumeOne', title: 'transfers.resume', icon: 'play' },
  retry: { label: 'transfers.retryOne', title: 'common.retry', icon: 'retry' },
  cancel: { label: 'transfers.cancelOne', title: 'common.cancel', icon: 'close' },
};

function RowActions({ item, tab }: { item: TransferView; tab: 0 | -1 }) {
  const { t } = useTranslation();
  return (
    <div role="cell" className="cell-actions">
      {rowActions(item.state).map((action) => {
        const b = buttons[action];
        return (
          <button
            key={action}
            type="button"
            className="icon"
            tabIndex={tab}
            aria-label={t(b.label, { name: item.name })}
            title={t(b.title)}
            onClick={() => runRowAction(action, item.id)}
          >
            <Icon name={b.icon} />
          </button>
        );
      })}
    </div>
  );
}

interface Secondary {
  text: string;
  tone: string;
  /** A finished upload's Rescale id (a file's, or the folder's a folder went up as), to read and copy. */
  rescaleId?: string;
}

/**
 * The reason of a failure (or a notice), else what a folder holds and, once uploaded, the Rescale
 * id to use it by (in a job, a script, the web UI): a line of its own across the row.
 */
function secondaryLine(item: TransferView, childCount: number, t: TFunction): Secondary | null {
  const problem = item.state === 'failed' && item.error ? item.error : item.notice;
  if (problem) return { text: problem.message, tone: item.state === 'failed' ? 'error' : 'notice' };
  const folder = item.isBatch ? t('transfers.folderOf', { count: childCount }) : '';
  const uploaded = item.kind === 'upload' && item.state === 'done' && item.remoteFileId ? item.remoteFileId : undefined;
  if (uploaded) return { text: folder ? `${folder} · ` : '', tone: 'muted', rescaleId: uploaded };
  return folder ? { text: folder, tone: 'muted' } : null;
}

/** "Rescale id XkpTse" (the id in a fixed-width font: l and I, 0 and O differ) and a button that copies it. */
function RescaleId({ id, name, tab }: { id: string; name: string; tab: 0 | -1 }) {
  const { t } = useTranslation();
  return (
    <>
      {t('transfers.rescaleId')} <code className="rescale-id">{id}</code>{' '}
      <CopyButton text={id} label={t('transfers.copy')} className="link" ariaLabel={t('transfers.copyId', { name })} tabIndex={tab} />
    </>
  );
}

/** The name cell: the expander of a folder, upload or download, the name, and the secondary line. */
function NameCell({ item, flat, tab, secondary }: { item: TransferView; flat: boolean; tab: 0 | -1; secondary: Secondary | null }) {
  const { t } = useTranslation();
  const id = item.id;
  const parentName = useTransfers((s) => (flat && item.parentId ? s.byId[item.parentId]?.name : undefined));
  const expanded = useTransfersUi((s) => s.expanded.has(id));
  const toggle = useTransfersUi((s) => s.toggle);
  return (
    <div role="cell" className="cell-name">
      {item.isBatch && !flat ? (
        <button
          type="button"
          className="icon expander"
          tabIndex={tab}
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
        <span
          className={`reason ${secondary.tone}`}
          title={secondary.rescaleId ? `${secondary.text}${t('transfers.rescaleId')} ${secondary.rescaleId}` : secondary.text}
        >
          {secondary.text}
          {secondary.rescaleId && <RescaleId id={secondary.rescaleId} name={item.name} tab={tab} />}
        </span>
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
  const childCount = useTransfers((s) => (item?.isBatch ? (s.children[id]?.length ?? 0) : 0));
  if (!item) return null;
  const p = itemPercent(item);
  const secondary = secondaryLine(item, childCount, t);
  const tab = active ? 0 : -1;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      data-index={index}
      data-id={id}
      data-state={item.state}
      tabIndex={tab}
      className={`trow depth-${depth} state-${item.state}${secondary ? ' two-line' : ''}`}
      style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
    >
      <NameCell item={item} flat={flat} tab={tab} secondary={secondary} />
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
        <span className={`badge badge-${item.state}`}>{t(`transfers.state.${item.state}`)}</span>
      </div>
      <RowActions item={item} tab={tab} />
    </div>
  );
});
