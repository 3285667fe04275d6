import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A button that puts `text` on the clipboard and then says "Copied" (a toast's path, a Rescale id). */
export function CopyButton({
  text,
  label,
  className,
  ariaLabel,
  tabIndex,
}: {
  text: string;
  /** What it says before the copy. */
  label: string;
  className: string;
  ariaLabel?: string;
  tabIndex?: 0 | -1;
}) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = () =>
    void navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <button type="button" className={className} aria-label={ariaLabel} tabIndex={tabIndex} onClick={copy}>
      {copied ? t('common.copied') : label}
    </button>
  );
}
