import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { ja } from './ja';

export const languages = ['en', 'ja'] as const;

/** English and Japanese (the product starts from a Japanese tutorial); the OS language picks the default. */
export function initI18n(preferred?: string): typeof i18next {
  const fromBrowser = navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  void i18next.use(initReactI18next).init({
    resources: { en: { translation: en }, ja: { translation: ja } },
    lng: preferred && (languages as readonly string[]).includes(preferred) ? preferred : fromBrowser,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  document.documentElement.lang = i18next.language;
  i18next.on('languageChanged', (lng) => (document.documentElement.lang = lng));
  return i18next;
}
