import { create } from 'zustand';

export interface ConfirmRequest {
  title: string;
  body?: string;
  confirmLabel: string;
  /** The button that changes nothing (default "Cancel"; say "Keep it" when the action is itself a cancel). */
  cancelLabel?: string;
  /** Destructive: the confirm button is drawn in the danger colour. */
  danger?: boolean;
}

interface ConfirmState {
  request: (ConfirmRequest & { resolve: (ok: boolean) => void }) | null;
}

export const useConfirm = create<ConfirmState>(() => ({ request: null }));

/** Asks before a destructive action (and only then); resolves true when confirmed. */
export function confirmAction(req: ConfirmRequest): Promise<boolean> {
  useConfirm.getState().request?.resolve(false);
  return new Promise((resolve) => useConfirm.setState({ request: { ...req, resolve } }));
}

export function answerConfirm(ok: boolean): void {
  const r = useConfirm.getState().request;
  useConfirm.setState({ request: null });
  r?.resolve(ok);
}
