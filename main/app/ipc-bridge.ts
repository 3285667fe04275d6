// The Electron transport of the contract: one ipcMain.handle per request channel, each behind
// the trusted-sender guard; core events forwarded to every window of ours.
import { BrowserWindow, ipcMain } from 'electron';
import { eventChannel } from '../../shared/contract';
import type { Courier } from '../core/courier';
import { isTrustedSender } from '../core/security/sender';

export function registerIpc(courier: Courier, appOrigin: string): () => void {
  for (const channel of courier.router.channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      const frame = event.senderFrame;
      const trusted = isTrustedSender(frame ? { url: frame.url, isMainFrame: frame.parent === null } : null, appOrigin);
      if (!trusted) {
        courier.activity.warn('app', `Refused a request from an untrusted page (${frame?.url ?? 'unknown'}).`);
        return { ok: false, error: { code: 'forbidden_sender', message: 'This page is not allowed to talk to Courier.' } };
      }
      return courier.router.dispatch(channel, input, { transport: 'electron' });
    });
  }
  const unsubscribe = courier.hub.subscribe((name, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      const wc = win.webContents;
      if (!wc.isDestroyed() && wc.getURL().startsWith(appOrigin)) wc.send(eventChannel(name), payload);
    }
  });
  return () => {
    unsubscribe();
    for (const channel of courier.router.channels) ipcMain.removeHandler(channel);
  };
}
