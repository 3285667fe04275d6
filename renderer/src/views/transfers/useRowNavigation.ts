// Moving through the virtualized transfers table with the keyboard: one row in the tab order
// (roving focus), arrows/Page/Home/End to move, and the row keys of row-actions.ts. A hook of its
// own because the focus must follow rows that the virtualizer may not have drawn yet.
import { useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Row, TransferFilter } from '../../stores/transfers-model';
import { useTransfers } from '../../stores/transfers';
import { itemKeys } from './row-actions';
import { ROW_HEIGHT } from './TransferRow';

export function useRowNavigation(rows: Row[], filter: TransferFilter, expanded: ReadonlySet<string>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, rows.length - 1));

  // The virtualizer re-renders the list on scroll by itself; the compiler need not memoize it.
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
    const item = useTransfers.getState().byId[id];
    const keys: Record<string, () => void> = {
      ArrowDown: () => focusRow(i + 1),
      ArrowUp: () => focusRow(i - 1),
      PageDown: () => focusRow(i + page),
      PageUp: () => focusRow(i - page),
      Home: () => focusRow(0),
      End: () => focusRow(rows.length - 1),
      ...(e.target === row && item ? itemKeys(item, item.isBatch === true && filter === 'all', expanded.has(id)) : {}),
    };
    const action = keys[e.key];
    if (action) {
      e.preventDefault();
      action();
    }
  };

  const onFocus = (e: FocusEvent<HTMLDivElement>) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!row) return;
    wanted.current = null;
    setActive(Number(row.dataset.index));
  };

  return { scroller, virtualizer, current, onKeyDown, onFocus };
}
