import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigation } from '../stores/navigation';
import { api } from '../api/client';
import { messageOf } from '../lib/format';
import { toast, useToasts, type Toast } from '../stores/toasts';
import { CopyButton } from './CopyButton';
import { Icon } from './Icon';

function ToastCard({ t: item }: { t: Toast }) {
  const { t } = useTranslation();
  const dismiss = useToasts((s) => s.dismiss);
  const go = useNavigation((s) => s.go);
  const open = () => {
    if (!item.jobId) return;
    go('jobs', item.jobId);
    dismiss(item.id);
  };
  return (
    <li className={`toast toast-${item.level}`}>
      <div className="toast-text">
        {item.jobId ? (
          <button type="button" className="link toast-title" onClick={open}>
            {item.title}
          </button>
        ) : (
          <strong className="toast-title">{item.title}</strong>
        )}
        {item.body && <span className="toast-body">{item.body}</span>}
        {item.path && <CopyPath path={item.path} />}
      </div>
      <button type="button" className="icon" aria-label={t('common.dismiss')} onClick={() => dismiss(item.id)}>
        <Icon name="close" />
      </button>
    </li>
  );
}

/** Whether this shell can show a folder (Electron can; a browser tab cannot): asked once. */
let canOpenFolders: Promise<boolean> | null = null;
const canOpen = () =>
  (canOpenFolders ??= api.app.info({}).then(
    (i) => i.shell === 'electron',
    () => false,
  ));

function CopyPath({ path }: { path: string }) {
  const { t } = useTranslation();
  const [openable, setOpenable] = useState(false);
  useEffect(() => void canOpen().then(setOpenable), []);
  const open = () => void api.app.openFolder({ path }).catch((e: unknown) => toast({ level: 'error', title: messageOf(e) }));
  return (
    <span className="toast-path">
      {openable && (
        <button type="button" className="small" onClick={open}>
          {t('common.openFolder')}
        </button>
      )}
      <CopyButton text={path} label={t('common.copyPath')} className="small" />
    </span>
  );
}

/** In-app notifications, announced politely to screen readers. */
export function Toasts() {
  const { t } = useTranslation();
  const toasts = useToasts((s) => s.toasts);
  return (
    <section className="toasts" aria-label={t('app.notifications')} aria-live="polite">
      <ul className="plain">
        {toasts.map((x) => (
          <ToastCard key={x.id} t={x} />
        ))}
      </ul>
    </section>
  );
}
