import { create } from 'zustand';
import type { NotificationPayload } from '../../../shared/jobs';
import { onEvent, transportKind } from '../api/client';
import { useNavigation } from './navigation';
import { toast } from './toasts';

type Permission = 'default' | 'granted' | 'denied' | 'unsupported';

const supported = (): boolean => typeof window !== 'undefined' && 'Notification' in window;

interface NotificationState {
  permission: Permission;
}

/** Browser notifications (the web host); Electron's main process shows its own OS notifications. */
export const useNotifications = create<NotificationState>(() => ({
  permission: supported() ? (Notification.permission as Permission) : 'unsupported',
}));

/** Asks for permission; call it from a user gesture (a click), as browsers require. */
export async function askNotificationPermission(): Promise<Permission> {
  if (!supported()) return 'unsupported';
  if (Notification.permission !== 'default') {
    useNotifications.setState({ permission: Notification.permission as Permission });
    return Notification.permission as Permission;
  }
  const p = (await Notification.requestPermission()) as Permission;
  useNotifications.setState({ permission: p });
  return p;
}

function openJob(jobId: string | undefined): void {
  if (jobId) useNavigation.getState().go('jobs', jobId);
}

export function showNotification(n: NotificationPayload): void {
  toast({ level: n.level === 'error' ? 'error' : n.level === 'warn' ? 'warn' : 'ok', title: n.title, body: n.body, ...(n.jobId ? { jobId: n.jobId } : {}) });
  if (transportKind !== 'websocket' || !supported() || Notification.permission !== 'granted') return;
  try {
    const note = new Notification(n.title, { body: n.body, ...(n.jobId ? { tag: `job-${n.jobId}` } : {}) });
    note.onclick = () => {
      window.focus();
      openJob(n.jobId);
      note.close();
    };
  } catch {
    // Some browsers allow notifications only from a service worker: the toast is enough.
  }
}

let started = false;
/** Subscribed at the app root, so a notification is never missed because a view is not open. */
export function startNotificationBridge(): void {
  if (started) return;
  started = true;
  onEvent('notification', showNotification);
}
