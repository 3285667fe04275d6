// The scrolling table of a sweep's rows, numbered: the preview in the new-sweep dialog and the
// batch view both draw it, each with its own columns after the row number.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function SweepTable({ headers, children }: { headers: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div className="sweep-table-wrap">
      <table className="file-table sweep-table">
        <thead>
          <tr>
            <th className="num" scope="col">
              {t('sweeps.row')}
            </th>
            {headers}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
