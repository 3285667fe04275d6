// The tray: active transfers and running jobs at a glance, pause/resume all, recent finished
// jobs, open, quit. Fed by core's events only (the same ones the renderer gets).
import { app, Menu, nativeImage, nativeTheme, Tray } from 'electron';
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
}

function percent(o: TrayState['overall']): string {
  if (!o || o.bytesTotal === 0) return '';
  return `${Math.floor((o.bytesDone / o.bytesTotal) * 100)}%`;
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
  const state: TrayState = { transfersActive: 0, overall: null, running: 0, queued: 0, recent: [] };

  const render = () => {
    const busy = state.transfersActive + state.running;
    tray.setToolTip(busy ? `Courier — ${state.transfersActive} transfer(s), ${state.running} running job(s)` : 'Courier');
    if (process.platform === 'darwin') tray.setTitle(busy ? String(busy) : '');
    const progress = state.transfersActive ? `Transfers: ${state.transfersActive} active ${percent(state.overall)}` : 'No active transfers';
    const menu = Menu.buildFromTemplate([
      { label: progress, enabled: false },
      { label: `Jobs: ${state.running} running, ${state.queued} queued`, enabled: false },
      { type: 'separator' },
      { label: 'Pause all transfers', click: () => void courier.transfers().then((t) => t.pause()) },
      { label: 'Resume all transfers', click: () => void courier.transfers().then((t) => t.resume()) },
      { type: 'separator' },
      ...(state.recent.length
        ? [{ label: 'Recently finished', enabled: false }, ...state.recent.map((r) => ({ label: r.title, click: () => openWindow(`#/jobs/${encodeURIComponent(r.jobId)}`) }))]
        : []),
      { type: 'separator' },
      { label: 'Open Courier', click: () => openWindow() },
      { label: 'Quit Courier', click: quit },
    ]);
    tray.setContextMenu(menu);
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
    } else return;
    render();
  });
  nativeTheme.on('updated', () => tray.setImage(icon()));
  tray.on('click', () => openWindow());
  render();
  app.on('before-quit', () => off());
  return { destroy: () => (off(), tray.destroy()), activeTransfers: () => state.transfersActive };
}
