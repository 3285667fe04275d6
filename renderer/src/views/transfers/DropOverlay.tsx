import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messageOf } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { toast } from '../../stores/toasts';
import { carriesFiles, readDrop } from '../../transfers/drop';
import { uploadDrop } from '../../transfers/upload-source';

/**
 * Files or folders dropped anywhere on the window are uploaded; an overlay says so while dragging.
 * Before sign-in a drop is only caught (the browser would otherwise leave the app to show the file).
 */
export function DropOverlay({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);

  useEffect(() => {
    let depth = 0;
    const enter = (e: DragEvent) => {
      if (!enabled || !carriesFiles(e.dataTransfer)) return;
      depth++;
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overHandler = (e: DragEvent) => {
      if (!carriesFiles(e.dataTransfer)) return;
      e.preventDefault(); // allows the drop
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      depth = 0;
      setOver(false);
      if (!e.dataTransfer || !carriesFiles(e.dataTransfer)) return;
      e.preventDefault(); // never let the browser open the file instead
      if (!enabled) return toast({ level: 'warn', title: t('staging.signInFirst') });
      const contents = readDrop(e.dataTransfer); // synchronously: the DataTransfer empties after this event
      if (contents.topLevel.length === 0) return;
      useNavigation.getState().go('transfers');
      uploadDrop(contents).catch((err: unknown) => toast({ level: 'error', title: t('staging.failed'), body: messageOf(err) }));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overHandler);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overHandler);
      window.removeEventListener('drop', drop);
    };
  }, [t, enabled]);

  if (!over) return null;
  return (
    <div className="drop-overlay" aria-hidden="true">
      <div className="drop-target">{t('transfers.dropHere')}</div>
    </div>
  );
}
