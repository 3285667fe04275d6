// The tray: active transfers, running jobs and unsent submissions at a glance, the active
// account, pause/resume all, recent finished jobs, open, quit. Fed by core's events only (the
// same ones the renderer gets); its actions are contract requests through the router, so they
// go through the same validation as the renderer's and a renamed request fails typecheck.
import { app, Menu, nativeImage, nativeTheme, Tray, type MenuItemConstructorOptions } from 'electron';
import { requestChannel, type CourierClient } from '../../shared/contract';
import type { Courier } from '../core/courier';

interface TrayState {
  transfersActive: number;
  overall: { bytesDone: number; bytesTotal: number; bytesPerSecond: number } | null;
  running: number;
  queued: number;
  recent: { jobId: string; title: string }[];
}

export interface TrayHandle {
  destroy(): void;
  activeTransfers(): number;
  /** Job submissions in the outbox not yet accepted by the platform. */
  queuedSubmissions(): number;
}

/** A request of the contract, by domain and method (a name that is not in it does not compile). */
type RequestRef = { [D in keyof CourierClient]: { domain: D; method: keyof CourierClient[D] & string; input: object } }[keyof CourierClient];

/** What the tray's menu items ask core to do. */
export const TRAY_REQUESTS = {
  pauseAll: { domain: 'transfers', method: 'pause', input: {} },
  resumeAll: { domain: 'transfers', method: 'resume', input: {} },
} as const satisfies Record<string, RequestRef>;

function percent(o: TrayState['overall']): string {
  if (!o || o.bytesTotal === 0) return '';
  return `${Math.floor((o.bytesDone / o.bytesTotal) * 100)}%`;
}

function call(courier: Courier, r: RequestRef): void {
  void courier.router.dispatch(requestChannel(r.domain, r.method), r.input, { transport: 'electron' }).then((res) => {
    if (!res.ok) courier.activity.warn('app', `The tray's "${r.domain}.${r.method}" failed: ${res.error.message}`);
  });
}

function menuTemplate(courier: Courier, state: TrayState, openWindow: (hash?: string) => void, quit: () => void): MenuItemConstructorOptions[] {
  const account = courier.accounts.list().find((a) => a.active);
  const progress = state.transfersActive ? `Transfers: ${state.transfersActive} active ${percent(state.overall)}` : 'No active transfers';
  return [
    { label: account ? `Account: ${account.label}` : 'No account signed in', enabled: false },
    { label: progress, enabled: false },
    { label: `Jobs: ${state.running} running, ${state.queued} queued`, enabled: false },
    { type: 'separator' },
    { label: 'Pause all transfers', click: () => call(courier, TRAY_REQUESTS.pauseAll) },
    { label: 'Resume all transfers', click: () => call(courier, TRAY_REQUESTS.resumeAll) },
    { type: 'separator' },
    ...(state.recent.length
      ? [
          { label: 'Recently finished', enabled: false },
          ...state.recent.map((r) => ({ label: r.title, click: () => openWindow(`#/jobs/${encodeURIComponent(r.jobId)}`) })),
        ]
      : []),
    { type: 'separator' },
    { label: 'Open Courier', click: () => openWindow() },
    { label: 'Quit Courier', click: quit },
  ];
}

export function createTray(courier: Courier, assetsDir: string, openWindow: (hash?: string) => void, quit: () => void): TrayHandle {
  const icon = () => {
    if (process.platform === 'darwin') {
      const img = nativeImage.createFromPath(`${assetsDir}/trayTemplate.png`);
      img.setTemplateImage(true);
      return img;
    }
    // Light glyph on dark menus, dark glyph on light ones.
    return nativeImage.createFromPath(`${assetsDir}/${nativeTheme.shouldUseDarkColors ? 'tray-dark' : 'tray-light'}.png`);
  };
  const tray = new Tray(icon());
  // Counts from before the tray existed (e.g. a submission left unsent by the last run).
  const state: TrayState = { transfersActive: 0, overall: null, ...courier.jobs.badge(), recent: [] };

  const render = () => {
    const busy = state.transfersActive + state.running;
    tray.setToolTip(busy ? `Courier — ${state.transfersActive} transfer(s), ${state.running} running job(s)` : 'Courier');
    if (process.platform === 'darwin') tray.setTitle(busy ? String(busy) : '');
    tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(courier, state, openWindow, quit)));
  };

  const off = courier.hub.subscribe((name, payload) => {
    if (name === 'transfersProgress') {
      const p = payload as { overall: TrayState['overall'] & { active: number } };
      state.transfersActive = p.overall?.active ?? 0;
      state.overall = p.overall;
    } else if (name === 'jobsSummary') {
      const p = payload as { running: number; queued: number };
      state.running = p.running;
      state.queued = p.queued;
    } else if (name === 'notification') {
      const p = payload as { title: string; jobId?: string };
      if (p.jobId) state.recent = [{ jobId: p.jobId, title: p.title }, ...state.recent.filter((r) => r.jobId !== p.jobId)].slice(0, 5);
    } else if (name !== 'settingsChanged') return; // accounts live in the settings
    render();
  });
  const onTheme = () => tray.setImage(icon());
  nativeTheme.on('updated', onTheme);
  tray.on('click', () => openWindow());
  render();
  app.on('will-quit', () => off()); // not before-quit: that one can still be cancelled (keep running in the tray)
  return {
    destroy: () => (off(), nativeTheme.off('updated', onTheme), tray.destroy()),
    activeTransfers: () => state.transfersActive,
    queuedSubmissions: () => state.queued,
  };
}
