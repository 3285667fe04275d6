// Quitting while transfers run or job submissions are still unsent asks first (keep running in
// the tray / quit anyway / cancel): both resume at the next start, but people should know. Every
// way out goes through app.quit() (tray item, Cmd+Q, closing the last window), so one
// before-quit guard covers them all. Core is closed before the process ends, so the journal and
// the outbox are left consistent for the next start.
import { app, dialog } from 'electron';

export interface QuitGuardDeps {
  busy(): { transfers: number; submissions: number };
  /** "Keep running in the tray": the window goes away, the work goes on. */
  hide(): void;
  /** Closes core (journal, outbox) and whatever else runs. */
  close(): Promise<void>;
}

export const QUIT_BUTTONS = ['Keep running in the tray', 'Quit anyway', 'Cancel'] as const;

function question(b: { transfers: number; submissions: number }): string {
  const parts: string[] = [];
  if (b.transfers) parts.push(`${b.transfers} transfer(s) are still running`);
  if (b.submissions) parts.push(`${b.submissions} job submission(s) are not sent yet`);
  return `${parts.join(' and ')}.`;
}

export function installQuitGuard(d: QuitGuardDeps): { quitting(): boolean } {
  let confirmed = false;
  let asking = false;
  let closed = false;
  let closing = false;

  const ask = async (b: { transfers: number; submissions: number }) => {
    asking = true;
    try {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: [...QUIT_BUTTONS],
        defaultId: 0,
        cancelId: 2,
        message: question(b),
        detail: 'If you quit, they stop now and continue where they left off the next time Courier starts.',
      });
      if (response === 0) d.hide();
      if (response !== 1) return;
      confirmed = true;
      app.quit();
    } finally {
      asking = false;
    }
  };

  app.on('before-quit', (e) => {
    if (confirmed) return;
    const b = d.busy();
    if (b.transfers + b.submissions === 0) {
      confirmed = true;
      return;
    }
    e.preventDefault();
    if (!asking) void ask(b);
  });

  app.on('will-quit', (e) => {
    if (closed) return;
    // Electron would end the process right after this event: close core first.
    e.preventDefault();
    if (closing) return;
    closing = true;
    void d
      .close()
      .catch((err: unknown) => console.error(`Courier did not close cleanly: ${(err as Error).message}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });
  return { quitting: () => confirmed };
}
