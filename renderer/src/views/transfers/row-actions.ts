// Which actions a transfer offers in its state. The row's buttons and the list's keys (Space, r)
// both ask here, so a button and its key are never offered apart.
import type { TransferView } from '../../../../shared/contract/events';
import { transferActions, useTransfersUi } from '../../stores/transfers';

export type RowAction = 'pause' | 'resume' | 'retry' | 'cancel';

/** The actions of a transfer in this state, in the order the row shows their buttons. */
export function rowActions(s: TransferView['state']): RowAction[] {
  const out: RowAction[] = [];
  if (s === 'running' || s === 'verifying' || s === 'queued') out.push('pause');
  if (s === 'paused') out.push('resume');
  if (s === 'failed' || s === 'cancelled') out.push('retry');
  if (s !== 'done' && s !== 'cancelled' && s !== 'failed') out.push('cancel');
  return out;
}

export function runRowAction(action: RowAction, id: string): void {
  void transferActions[action](id);
}

/** The keys a focused row answers besides moving: fold a folder, pause or resume, cancel, retry. */
export function itemKeys(item: TransferView, foldable: boolean, isOpen: boolean): Record<string, () => void> {
  const id = item.id;
  const keys: Record<string, () => void> = {};
  if (foldable) {
    const toggle = () => useTransfersUi.getState().toggle(id);
    keys.ArrowRight = () => !isOpen && toggle();
    keys.ArrowLeft = () => isOpen && toggle();
    keys.Enter = toggle;
  }
  const actions = rowActions(item.state);
  const playPause = actions.find((a) => a === 'pause' || a === 'resume');
  keys[' '] = () => playPause && runRowAction(playPause, id);
  keys.Delete = () => runRowAction('cancel', id);
  if (actions.includes('retry')) keys.r = () => runRowAction('retry', id);
  return keys;
}
