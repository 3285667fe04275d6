import { useTranslation } from 'react-i18next';
import { answerConfirm, useConfirm } from '../stores/confirm';
import { Modal } from './Modal';

/** The one confirmation dialog of the app (mounted at the root). */
export function ConfirmHost() {
  const { t } = useTranslation();
  const request = useConfirm((s) => s.request);
  if (!request) return null;
  return (
    <Modal
      title={request.title}
      onClose={() => answerConfirm(false)}
      className="confirm"
      footer={
        <>
          <button type="button" onClick={() => answerConfirm(false)} data-autofocus={request.danger ? '' : undefined}>
            {request.cancelLabel ?? t('common.cancel')}
          </button>
          <button
            type="button"
            className={request.danger ? 'danger-solid' : 'primary'}
            onClick={() => answerConfirm(true)}
            data-autofocus={request.danger ? undefined : ''}
          >
            {request.confirmLabel}
          </button>
        </>
      }
    >
      {request.body && <p>{request.body}</p>}
    </Modal>
  );
}
