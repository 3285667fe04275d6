// OS notifications for finished jobs; clicking one opens the job.
import { Notification } from 'electron';
import type { Notifier } from '../core/notify/notifier';

export function electronNotifier(iconPath: string, openJob: (jobId: string) => void): Notifier {
  return {
    show({ title, body, jobId }) {
      if (!Notification.isSupported()) return;
      const n = new Notification({ title, body, icon: iconPath, silent: false });
      if (jobId) n.on('click', () => openJob(jobId));
      n.show();
    },
  };
}
