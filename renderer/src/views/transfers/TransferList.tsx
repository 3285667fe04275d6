import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useTransfers, useTransfersUi } from '../../stores/transfers';
import { visibleRows } from '../../stores/transfers-model';
import { TransferRow } from './TransferRow';
import { useRowNavigation } from './useRowNavigation';

const columns = ['name', 'size', 'progress', 'speed', 'eta', 'state', 'actions'] as const;

/**
 * The queue as one virtualized table: only the rows in view (plus a few) exist in the DOM, so
 * 10,000 transfers scroll like 10. Rows are recomputed only when items appear or change state.
 */
export function TransferList() {
  const { t } = useTranslation();
  const structure = useTransfers((s) => s.structure);
  const filter = useTransfersUi((s) => s.filter);
  const expanded = useTransfersUi((s) => s.expanded);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `structure` stands for the parts of the store rows depend on
  const rows = useMemo(() => visibleRows(useTransfers.getState(), filter, expanded), [structure, filter, expanded]);
  const { scroller, virtualizer, current, onKeyDown, onFocus } = useRowNavigation(rows, filter, expanded);

  return (
    <>
      <div className="transfer-table" role="table" aria-label={t('transfers.listLabel')} aria-rowcount={rows.length + 1} aria-describedby="transfers-keys">
        <HeaderRow />
        <div ref={scroller} className="tbody-scroll" onKeyDown={onKeyDown} onFocus={onFocus}>
          <div role="rowgroup" className="tbody" style={{ height: virtualizer.getTotalSize() }}>
            {virtualizer.getVirtualItems().map((v) => {
              const r = rows[v.index];
              return r ? (
                <TransferRow key={r.id} id={r.id} depth={r.depth} index={v.index} start={v.start} active={v.index === current} flat={filter !== 'all'} />
              ) : null;
            })}
          </div>
        </div>
      </div>
      <p id="transfers-keys" className="sr-only">
        {t('transfers.keys')}
      </p>
    </>
  );
}

function HeaderRow() {
  const { t } = useTranslation();
  return (
    <div role="rowgroup" className="thead">
      <div role="row" aria-rowindex={1} className="trow header">
        {columns.map((c) => (
          <div role="columnheader" key={c} className={`cell-${c}`}>
            {c === 'actions' ? <span className="sr-only">{t('transfers.col.actions')}</span> : t(`transfers.col.${c}`)}
          </div>
        ))}
      </div>
    </div>
  );
}
