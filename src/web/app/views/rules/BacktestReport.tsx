import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, query } from '../../lib/api';
import { formatDate, formatDateTime, formatNumber, label, t } from '../../lib/i18n';
import { Chart, colour } from '../../components/Chart';
import { DownloadButton, Problem } from '../../components/common';
import { short, type BacktestKind, type BacktestReport } from './types';
import { Named, routingName, tierName } from './decision-names';

const PAGE = 20;
/** Changes fetched per request once the report's first ones are read (GET …/changes). */
const FETCH = 100;

/** The report's `until` is the start of the day after the range (exclusive): the range's last day. */
const lastDay = (until: string): string => new Date(Date.parse(until) - 1).toISOString().slice(0, 10);

/** What a finished backtest found: changed decisions by kind, MQLs by week, routing, approval tiers, and each change. */
export function BacktestReportView({ id, report }: { id: string; report: BacktestReport }) {
  return (
    <section aria-labelledby="backtest-report" class="card">
      <div class="page-head">
        <h3 id="backtest-report">
          {t('rules.report.title', { candidate: short(report.candidateVersion), active: short(report.activeVersion) })}
        </h3>
        <div class="actions">
          <DownloadButton path={`/api/rules/backtests/${id}/report.html`} accept="text/html" filename={`backtest-${id}.html`}>
            {t('rules.report.html')}
          </DownloadButton>
          <DownloadButton path={`/api/rules/backtests/${id}/changes.csv`} accept="text/csv" filename={`backtest-${id}-changes.csv`}>
            {t('rules.report.csv')}
          </DownloadButton>
        </div>
      </div>
      <p class="hint">
        {t('rules.report.range', {
          since: report.since ? formatDate(report.since) : t('rules.report.start'),
          until: report.until ? formatDate(lastDay(report.until)) : t('rules.report.now'),
        })}
      </p>
      <ChangedByKind report={report} />
      {report.scoring && <Scoring id={id} scoring={report.scoring} />}
      {report.routing && <Routing id={id} routing={report.routing} />}
      {report.approvals && <Approvals id={id} approvals={report.approvals} />}
    </section>
  );
}

function ChangedByKind({ report }: { report: BacktestReport }) {
  const rows: [string, number, number][] = [];
  if (report.scoring) rows.push(['scoring', report.scoring.decisions, report.scoring.changedDecisions]);
  if (report.routing) rows.push(['routing', report.routing.decisions, report.routing.changedDecisions]);
  if (report.approvals) rows.push(['approvals', report.approvals.quotes, report.approvals.changedQuotes]);
  return (
    <table class="list">
      <caption>{t('rules.report.changedByKind')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('rules.report.kind')}</th>
          <th scope="col" class="num">
            {t('rules.report.replayed')}
          </th>
          <th scope="col" class="num">
            {t('rules.report.changed')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([kind, replayed, changed]) => (
          <tr key={kind}>
            <th scope="row">{t(`rules.backtest.kind.${kind}`)}</th>
            <td class="num">{formatNumber(replayed)}</td>
            <td class="num">{formatNumber(changed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A before/after table: one row per `key`, shown as `shown` (a label or a name) with the key in its title. */
function BeforeAfterTable({
  caption,
  name,
  rows,
}: {
  caption: string;
  name: string;
  rows: { key: string; shown?: string; before: number; after: number }[];
}) {
  if (rows.length === 0) return <p class="empty">{t('rules.report.noChanges', { what: caption })}</p>;
  return (
    <table class="list">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{name}</th>
          <th scope="col" class="num">
            {t('rules.report.before')}
          </th>
          <th scope="col" class="num">
            {t('rules.report.after')}
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <th scope="row">
              <Named name={row.shown ?? row.key} id={row.key} />
            </th>
            <td class="num">{formatNumber(row.before)}</td>
            <td class="num">{formatNumber(row.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Scoring({ id, scoring }: { id: string; scoring: NonNullable<BacktestReport['scoring']> }) {
  const weeks = scoring.mqlsByWeek.map((w) => formatDate(w.week));
  return (
    <section aria-labelledby="report-scoring">
      <h4 id="report-scoring">{t('rules.backtest.kind.scoring')}</h4>
      <p>
        {t('rules.report.mqls', {
          before: formatNumber(scoring.mqls.before),
          after: formatNumber(scoring.mqls.after),
          leads: formatNumber(scoring.leads),
        })}
      </p>
      {weeks.length > 0 && (
        <Chart
          id="backtest-mqls-by-week"
          title={t('rules.report.mqlsByWeek')}
          type="bar"
          categories={weeks}
          series={[
            { label: t('rules.report.before'), values: scoring.mqlsByWeek.map((w) => w.before), colour: colour(5) },
            { label: t('rules.report.after'), values: scoring.mqlsByWeek.map((w) => w.after), colour: colour(0) },
          ]}
        />
      )}
      <BeforeAfterTable
        caption={t('rules.report.mqlsBySource')}
        name={t('rules.report.source')}
        rows={scoring.mqlsBySource.map((s) => ({ key: label('sources', s.source), before: s.before, after: s.after }))}
      />
      <Paged caption={t('rules.report.changedLeads')} items={scoring.changed} total={scoring.changedTotal} more={changesOf(id, 'scoring')} head={[t('rules.report.lead'), t('rules.report.before'), t('rules.report.after'), t('rules.report.flipped')]}>
        {(change) => (
          <tr key={change.leadId}>
            <th scope="row">
              <a href={`/leads/${change.leadId}`}>{change.label}</a>
            </th>
            <td>{change.before}</td>
            <td>{change.after}</td>
            <td>{change.flipped}</td>
          </tr>
        )}
      </Paged>
    </section>
  );
}

function Routing({ id, routing }: { id: string; routing: NonNullable<BacktestReport['routing']> }) {
  return (
    <section aria-labelledby="report-routing">
      <h4 id="report-routing">{t('rules.backtest.kind.routing')}</h4>
      <BeforeAfterTable
        caption={t('rules.report.byPool')}
        name={t('rules.report.pool')}
        rows={routing.byPool.map((p) => ({ key: p.target, shown: routingName(p.target), before: p.before, after: p.after }))}
      />
      <BeforeAfterTable
        caption={t('rules.report.byRep')}
        name={t('rules.report.rep')}
        rows={routing.byRep.map((r) => ({ key: r.rep, shown: routingName(r.rep), before: r.before, after: r.after }))}
      />
      <Paged caption={t('rules.report.changedRouting')} items={routing.changed} total={routing.changedTotal} more={changesOf(id, 'routing')} head={[t('rules.report.lead'), t('rules.report.before'), t('rules.report.after'), t('rules.report.flipped')]}>
        {(change) => (
          <tr key={`${change.leadId}:${change.at}`}>
            <th scope="row">
              <a href={`/leads/${change.leadId}`}>{change.label}</a> <span class="hint">{formatDateTime(change.at)}</span>
            </th>
            <td>
              <Named name={routingName(change.before)} id={change.before} />
            </td>
            <td>
              <Named name={routingName(change.after)} id={change.after} />
            </td>
            <td>{change.flipped}</td>
          </tr>
        )}
      </Paged>
    </section>
  );
}

function Approvals({ id, approvals }: { id: string; approvals: NonNullable<BacktestReport['approvals']> }) {
  return (
    <section aria-labelledby="report-approvals">
      <h4 id="report-approvals">{t('rules.backtest.kind.approvals')}</h4>
      <BeforeAfterTable
        caption={t('rules.report.byTier')}
        name={t('rules.report.tier')}
        rows={approvals.byTier.map((tier) => ({ key: tier.tier, shown: tierName(tier.tier), before: tier.before, after: tier.after }))}
      />
      <Paged caption={t('rules.report.changedQuotes')} items={approvals.changed} total={approvals.changedTotal} more={changesOf(id, 'approvals')} head={[t('rules.report.quote'), t('rules.report.before'), t('rules.report.after'), t('rules.report.flipped')]}>
        {(change) => (
          <tr key={change.quoteVersionId}>
            <th scope="row">{change.label}</th>
            <td>{change.tierBefore ? <Named name={tierName(change.tierBefore)} id={change.tierBefore} /> : change.before}</td>
            <td>{change.tierAfter ? <Named name={tierName(change.tierAfter)} id={change.tierAfter} /> : change.after}</td>
            <td>{change.flipped}</td>
          </tr>
        )}
      </Paged>
    </section>
  );
}

type ChangePage<T> = { items: T[]; nextCursor: string | null };

/** Reads a kind's full list of changes a page at a time: `after` null starts from the first. */
function changesOf<T>(id: string, kind: BacktestKind) {
  return (after: string | null, limit: number) =>
    api<ChangePage<T>>(`/api/rules/backtests/${id}/changes${query({ kind, limit: String(limit), after: after ?? undefined })}`);
}

/**
 * A table of `items`, PAGE rows at a time, with Previous and Next. The report holds the first
 * changes of `total`; Next past them fetches the rest from the full list (`more`), FETCH at a time.
 */
function Paged<T>({
  caption,
  items: first,
  total,
  more,
  head,
  children,
}: {
  caption: string;
  items: T[];
  total: number;
  more: (after: string | null, limit: number) => Promise<ChangePage<T>>;
  head: string[];
  children: (item: T) => ComponentChildren;
}) {
  const [page, setPage] = useState(0);
  const [items, setItems] = useState(first);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    setItems(first);
    setCursor(null);
    setPage(0);
  }, [first]);
  const pages = Math.max(1, Math.ceil(total / PAGE));
  if (items.length === 0) return <p class="empty">{t('rules.report.noChanges', { what: caption })}</p>;
  async function next() {
    const wanted = (page + 2) * PAGE;
    if (wanted > items.length && items.length < total) {
      setLoading(true);
      try {
        // The report's first changes carry no cursor: the first fetch reads them again, then continues.
        const answer =
          cursor === null ? await more(null, Math.min(500, items.length + FETCH)) : await more(cursor, FETCH);
        setItems(cursor === null ? answer.items : [...items, ...answer.items]);
        setCursor(answer.nextCursor);
        setError(null);
      } catch (caught) {
        setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
        return;
      } finally {
        setLoading(false);
      }
    }
    setPage(page + 1);
  }
  return (
    <>
      <table class="list" aria-busy={loading ? true : undefined}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {head.map((h) => (
              <th scope="col" key={h}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{items.slice(page * PAGE, (page + 1) * PAGE).map(children)}</tbody>
      </table>
      {pages > 1 && (
        <div class="actions">
          <button type="button" class="subtle" disabled={page === 0} onClick={() => setPage(page - 1)}>
            {t('rules.report.previous')}
          </button>
          <span>{t('rules.report.page', { page: formatNumber(page + 1), pages: formatNumber(pages) })}</span>
          <button type="button" class="subtle" disabled={page >= pages - 1 || loading} onClick={() => void next()}>
            {t('rules.report.next')}
          </button>
          <span class="hint">
            {t('rules.report.loaded', { shown: formatNumber(items.length), total: formatNumber(total) })}
          </span>
        </div>
      )}
      <Problem error={error} />
    </>
  );
}
