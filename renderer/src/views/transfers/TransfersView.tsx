import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LocalPicker } from '../../components/LocalPicker';
import { transferActions, useTransfers } from '../../stores/transfers';
import { useStaging } from '../../stores/staging';
import { EmptyState } from '../Placeholder';
import { StagingPanel } from './StagingPanel';
import { TransferList } from './TransferList';
import { BulkActions, FilterBar, OverallProgress } from './TransfersHeader';

/** Uploads and downloads in one list: drop files anywhere on the window, or choose them. */
export function TransfersView() {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const empty = useTransfers((s) => s.top.length === 0);
  const loaded = useTransfers((s) => s.loaded);
  const error = useTransfers((s) => s.error);
  const staging = useStaging((s) => s.batches.length > 0);

  return (
    <section className="view transfers-view" aria-labelledby="transfers-title">
      <header className="view-header">
        <h1 id="transfers-title">{t('nav.transfers')}</h1>
        <BulkActions />
        <button type="button" className="primary" onClick={() => setPicking(true)}>
          {t('transfers.choose')}
        </button>
      </header>
      <OverallProgress />
      <StagingPanel />
      {error && (
        <p className="banner banner-err" role="alert">
          {error}
        </p>
      )}
      {!loaded ? (
        <p className="muted">{t('common.loading')}</p>
      ) : empty && !staging ? (
        <EmptyState text={t('transfers.empty')}>
          <button type="button" className="primary" onClick={() => setPicking(true)}>
            {t('transfers.choose')}
          </button>
        </EmptyState>
      ) : (
        <>
          <FilterBar />
          <TransferList />
        </>
      )}
      {picking && (
        <LocalPicker
          title={t('transfers.pickTitle')}
          confirmLabel={t('transfers.uploadChosen')}
          archiveOption
          onClose={() => setPicking(false)}
          onChoose={(chosen, o) => {
            setPicking(false);
            void transferActions.upload(
              chosen.map((c) => c.path),
              o,
            );
          }}
        />
      )}
    </section>
  );
}
