import { useState } from 'preact/hooks';
import { query } from '../lib/api';
import { formatDate, formatMoney, label, language, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Empty, Loading, Page, Problem } from '../components/common';

interface Renewal {
  contractId: string;
  dealId: string;
  dealName: string;
  accountName: string | null;
  ownerEmail: string;
  status: string;
  startDate: string;
  endDate: string;
  termMonths: number;
  value: { currency: string; tcvMinor: number; acvMinor: number };
  reminders: { offset: string; at: string; sentAt: string | null }[];
}

function monthStart(offset: number): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}
const day = (d: Date) => d.toISOString().slice(0, 10);

/** Renewals calendar: contracts ending month by month, with who owns them and what they are worth. */
export function Renewals() {
  const [offset, setOffset] = useState(0);
  const from = monthStart(offset);
  const to = new Date(monthStart(offset + 3).getTime() - 24 * 3600e3);
  const { data, error } = useApi<{ renewals: Renewal[] }>(`/api/renewals${query({ from: day(from), to: day(to) })}`);
  const months = [0, 1, 2].map((i) => monthStart(offset + i));
  const monthName = (d: Date) =>
    new Intl.DateTimeFormat(language.value, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
  return (
    <Page
      title={t('renewals.title')}
      actions={
        <>
          <button type="button" class="subtle" onClick={() => setOffset(offset - 3)}>
            {t('renewals.earlier')}
          </button>
          <button type="button" class="subtle" onClick={() => setOffset(offset + 3)}>
            {t('renewals.later')}
          </button>
        </>
      }
    >
      <Problem error={error} />
      {!data ? (
        !error && <Loading />
      ) : (
        <div class="columns" id="renewals">
          {months.map((month) => {
            const key = day(month).slice(0, 7);
            const due = data.renewals.filter((r) => r.endDate.startsWith(key));
            return (
              <section key={key} class="card" aria-labelledby={`m-${key}`}>
                <h2 id={`m-${key}`}>{monthName(month)}</h2>
                {due.length === 0 ? (
                  <Empty>{t('renewals.none')}</Empty>
                ) : (
                  <ul class="items">
                    {due.map((r) => (
                      <li key={r.contractId}>
                        <strong>{formatDate(r.endDate)}</strong> ·{' '}
                        <a href={`/deals/${r.dealId}`}>{r.accountName ?? r.dealName}</a> ·{' '}
                        {formatMoney(r.value.acvMinor, r.value.currency)}
                        <div class="subtle">
                          {label('contractStatus', r.status)} · {r.ownerEmail}
                          {r.reminders.map((m) => (
                            <span key={m.offset}>
                              {' · '}
                              {m.sentAt
                                ? t('renewals.reminded', { when: formatDate(m.sentAt) })
                                : t('renewals.reminder', { when: formatDate(m.at) })}
                            </span>
                          ))}
                        </div>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            );
          })}
        </div>
      )}
    </Page>
  );
}
