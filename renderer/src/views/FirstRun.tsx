import { useTranslation } from 'react-i18next';
import { SignIn } from '../components/SignIn';

export function FirstRun() {
  const { t } = useTranslation();
  return (
    <section className="view first-run" aria-labelledby="first-run-title">
      <div className="card narrow">
        <h1 id="first-run-title">{t('firstRun.title')}</h1>
        <p>{t('firstRun.intro')}</p>
        <SignIn />
      </div>
    </section>
  );
}
