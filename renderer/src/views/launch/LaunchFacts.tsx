// What a job will run, as the launch dialog and the run-again dialog both show it: software,
// hardware, command, and the problems (or notes) found in the template or record. Kept apart so
// the two dialogs read the same and cannot drift; each adds its own rows through the slots.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateIssue } from '../../../../shared/jobs';

interface Props {
  analysis: { code: string; version: string };
  hardware: { coreType: string; coresPerSlot: number; slots: number };
  command: string;
  /** The id of the command's label (the command is a read-only textbox labelled by it). */
  commandLabelId: string;
  /** The hints under hardware and command (for a template; a record's facts go without). */
  hints?: boolean;
  issues: TemplateIssue[];
  notes?: string[];
  /** Rows between the hardware and the command (the cost estimate). */
  beforeCommand?: ReactNode;
  /** Rows after the command. */
  children?: ReactNode;
}

export function LaunchFacts({ analysis, hardware, command, commandLabelId, hints = false, issues, notes = [], beforeCommand, children }: Props) {
  const { t } = useTranslation();
  const { coreType, coresPerSlot, slots } = hardware;
  return (
    <div className="launch-summary">
      <dl className="launch-facts">
        <dt>{t('launch.software')}</dt>
        <dd>
          {analysis.code} {analysis.version}
        </dd>
        <dt>{t('launch.hardwareLabel')}</dt>
        <dd>
          {t('launch.hardware', { coreType, cores: coresPerSlot, count: slots, total: coresPerSlot * slots })}
          {hints && <span className="muted hint">{t('launch.slotsHint')}</span>}
        </dd>
        {beforeCommand}
        <dt id={commandLabelId}>{t('launch.command')}</dt>
        <dd>
          <code className="command" role="textbox" aria-readonly="true" aria-labelledby={commandLabelId}>
            {command}
          </code>
          {hints && command.includes('{input') && <span className="muted hint">{t('launch.commandHint')}</span>}
        </dd>
        {children}
      </dl>
      {issues.length + notes.length > 0 && (
        <ul className="plain warnings">
          {issues.map((i) => (
            <li key={`${i.field}-${i.message}`} className="error">
              {i.field}: {i.message}
            </li>
          ))}
          {notes.map((n) => (
            <li key={n} className="muted">
              {n}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
