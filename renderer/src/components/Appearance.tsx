import { useEffect } from 'react';
import i18next from 'i18next';
import { useSettings } from '../stores/settings';

/** Applies the theme (light/dark/system) and language from settings to the document. */
export function useAppearance(): void {
  const appearance = useSettings((s) => s.settings?.appearance);
  useEffect(() => {
    if (!appearance) return;
    const root = document.documentElement;
    if (appearance.theme === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', appearance.theme);
    const lng = appearance.language === 'system' ? (navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en') : appearance.language;
    if (i18next.language !== lng) void i18next.changeLanguage(lng);
  }, [appearance]);
}
