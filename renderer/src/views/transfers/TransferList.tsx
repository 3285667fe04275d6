import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import { transferActions, useTransfers, useTransfersUi } from '../../stores/transfers';
import { visibleRows } from '../../stores/transfers-model';
import { ROW_HEIGHT, TransferRow } from './TransferRow';

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
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, rows.length - 1));

  // The virtualizer re-renders this component on scroll by itself; the compiler need not memoize it.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    getItemKey: (i) => rows[i]?.id ?? i,
  });

  // The row keys move to (it may not be drawn yet): the next key counts from here, not from the old focus.
  const wanted = useRef<number | null>(null);
  const focusRow = (i: number) => {
    const next = Math.max(0, Math.min(rows.length - 1, i));
    wanted.current = next;
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
    const focus = () => scroller.current?.querySelector<HTMLElement>(`[data-index="${next}"]`)?.focus();
    if (scroller.current?.querySelector(`[data-index="${next}"]`)) focus();
    else requestAnimationFrame(() => requestAnimationFrame(focus));
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[role="row"][data-index]');
    if (!row) return;
    const i = wanted.current ?? Number(row.dataset.index);
    const id = row.dataset.id ?? '';
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1);
    const onRow = e.target === row;
    const item = useTransfers.getState().byId[id];
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(i + 1),
      ArrowUp: () => focusRow(i - 1),
      PageDown: () => focusRow(i + page),
      PageUp: () => focusRow(i - page),
      Home: () => focusRow(0),
      End: () => focusRow(rows.length - 1),
    };
    if (onRow && item) {
      const isOpen = expanded.has(id);
      if (item.isBatch && filter === 'all') {
        keys.ArrowRight = () => !isOpen && useTransfersUi.getState().toggle(id);
        keys.ArrowLeft = () => isOpen && useTransfersUi.getState().toggle(id);
        keys.Enter = () => useTransfersUi.getState().toggle(id);
      }
      keys[' '] = () =>
        void (item.state === 'paused'
          ? transferActions.resume(id)
          : ['running', 'queued', 'verifying'].includes(item.state)
            ? transferActions.pause(id)
            : undefined);
      keys.Delete = () => void transferActions.cancel(id);
      if (item.state === 'failed' || item.state === 'cancelled') keys.r = () => void transferActions.retry(id);
    }
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  return (
    <>
      <div className="transfer-table" role="table" aria-label={t('transfers.listLabel')} aria-rowcount={rows.length + 1} aria-describedby="transfers-keys">
        <div role="rowgroup" className="thead">
          <div role="row" aria-rowindex={1} className="trow header">
            {columns.map((c) => (
              <div role="columnheader" key={c} className={`cell-${c}`}>
                {c === 'actions' ? <span className="sr-only">{t('transfers.col.actions')}</span> : t(`transfers.col.${c}`)}
              </div>
            ))}
          </div>
        </div>
        <div
          ref={scroller}
          className="tbody-scroll"
          onKeyDown={onKeyDown}
          onFocus={(e) => {
            const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
            if (!row) return;
            wanted.current = null;
            setActive(Number(row.dataset.index));
          }}
        >
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
