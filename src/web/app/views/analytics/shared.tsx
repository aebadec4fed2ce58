/**
 * What every analytics card shares: the answer shapes it reads (docs/analytics.md, as
 * src/api/openapi/analytics-shapes.ts publishes them), the number formats, the "how it is computed"
 * disclosure, and the table of a breakdown's groups.
 */
import type { ComponentChildren } from 'preact';
import { query } from '../../lib/api';
import { DownloadButton } from '../../components/common';
import { formatMoney, formatNumber, label, t } from '../../lib/i18n';

export interface Ids {
  count: number;
  ids: string[];
}
export interface Ratio {
  numerator: Ids;
  denominator: Ids;
  value: number | null;
}
export interface Distribution {
  n: number;
  mean: number | null;
  median: number | null;
  p75: number | null;
  p90: number | null;
}
export interface MoneyTotal {
  currency: string;
  amountMinor: number;
  count: number;
}
export interface Envelope<T> {
  report: string;
  period: { from: string; to: string; zone: string };
  /** The report's options as it was computed with (the ones the report takes). */
  options: Record<string, string | number | null>;
  previousPeriod: { from: string; to: string };
  current: T;
  previous: T;
  breakdown: { dimension: string; groups: { key: string; current: T; previous: T }[] } | null;
}

/** The filters every report of the page is asked with (also sent with each drill-down). */
export type Filters = Record<string, string>;
/** Opens the drill-down of one figure: the report, the figure's JSON pointer and a title. */
export type Open = (report: string, figure: string, title: string) => () => void;

export const DIMENSIONS = ['team', 'rep', 'source', 'campaign', 'industry', 'size', 'region'] as const;

export const percent = (value: number | null | undefined) =>
  value == null ? '—' : formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });
export const decimal = (value: number | null | undefined) =>
  value == null ? '—' : formatNumber(value, { maximumFractionDigits: 1 });
export const days = (value: number | null | undefined) =>
  value == null ? '—' : t('analytics.days', { n: decimal(value) });
export const hours = (value: number | null | undefined) =>
  value == null ? '—' : t('analytics.hours', { n: decimal(value) });
/** Basis points as a percentage (1250 bp = 12.5 %). */
export const basisPoints = (value: number | null | undefined) => (value == null ? '—' : percent(value / 10_000));
export const money = (minor: number | null | undefined, currency: string) =>
  minor == null ? '—' : formatMoney(minor, currency);
/** The currency's decimals (2 for USD and EUR, 0 for JPY). */
const decimalsOf = (currency: string) =>
  new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
/** Minor units as a chart value in major units (a chart's axis reads dollars, not cents). */
export const major = (minor: number, currency: string) => minor / 10 ** decimalsOf(currency);
/** A chart value in major units, written as money. */
export const majorMoney = (currency: string) => (n: number) => formatMoney(n * 10 ** decimalsOf(currency), currency);
/** A ruleset version as a row name: a content hash shortened, a readable name as it is. */
export const versionName = (version: string) =>
  version === '(none)' ? t('analytics.none') : /^[0-9a-f]{16,}$/.test(version) ? version.slice(0, 12) : version;
/** One money figure per currency, side by side: currencies are never added. */
export const perCurrency = (list: MoneyTotal[]) =>
  list.map((x) => formatMoney(x.amountMinor, x.currency)).join(' · ') || '—';
/** A rate as a chart value: a percentage with one decimal (the chart's table formats it back). */
export const asPercent = (value: number | null | undefined) => (value == null ? null : Math.round(value * 1000) / 10);
export const percentTick = (n: number) => percent(n / 100);

/** A breakdown group's name: a source in words, "(none)" as it is, an email or a key as given. */
export function groupName(dimension: string, key: string): string {
  if (key === '(none)') return t('analytics.none');
  return dimension === 'source' ? label('sources', key) : key;
}

/**
 * The report `answer` came from as CSV (GET /api/analytics/<report>?format=csv, docs/analytics.md
 * "CSV"), asked with the same period, zone, breakdown and options.
 */
export function csvPath(answer: Envelope<unknown>): string {
  const { report, period, options, breakdown } = answer;
  const filters = { from: period.from, to: period.to, zone: period.zone, breakdown: breakdown?.dimension };
  return `/api/analytics/${report}${query({ ...filters, ...options, format: 'csv' })}`;
}

/**
 * A metric card: its title, its figures, and how they are computed (the formula of docs/analytics.md).
 * With `csv`, the answer of the one report the card shows, a button downloads that report as CSV.
 */
export function Card({
  id,
  title,
  how,
  csv,
  children,
}: {
  id: string;
  title: string;
  how: string;
  csv?: Envelope<unknown>;
  children: ComponentChildren;
}) {
  return (
    <section class="card" id={id} aria-labelledby={`${id}-title`}>
      <div class="page-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {csv && (
          <div class="actions">
            <DownloadButton
              path={csvPath(csv)}
              accept="text/csv"
              filename={`leadflow-${csv.report}-${csv.period.from}-${csv.period.to}.csv`}
              name={t('analytics.downloadCsv', { name: title })}
            >
              {t('analytics.csv')}
            </DownloadButton>
          </div>
        )}
      </div>
      {children}
      <details class="how">
        <summary>{t('analytics.howComputed')}</summary>
        <p>{how}</p>
      </details>
    </section>
  );
}

export function Tile({
  name,
  value,
  previous,
  onOpen,
}: {
  name: string;
  value: string;
  previous?: string;
  onOpen?: () => void;
}) {
  return (
    <div class="tile">
      <div class="tile-name">{name}</div>
      {onOpen ? (
        <button type="button" class="tile-value" onClick={onOpen} aria-label={t('analytics.open', { name, value })}>
          {value}
        </button>
      ) : (
        <div class="tile-value">{value}</div>
      )}
      {previous !== undefined && <div class="subtle">{t('analytics.previous', { value: previous })}</div>}
    </div>
  );
}

/** One column of a breakdown table: its name, its text for a group's figures, and its figure's pointer. */
export interface Column<T> {
  name: string;
  value: (figures: T) => string;
  /** The figure's pointer below `current` (`/winRate/byCount/numerator`), when it has records. */
  figure?: string;
}

/** A breakdown: one row per group, the same columns as the whole; a figure with records opens them. */
export function GroupsTable<T>({
  id,
  report,
  answer,
  columns,
  open,
}: {
  id: string;
  report: string;
  answer: Envelope<T>;
  columns: Column<T>[];
  open: Open;
}) {
  const breakdown = answer.breakdown;
  if (!breakdown) return null;
  const dimension = t(`analytics.dimensions.${breakdown.dimension}`);
  return (
    <table class="list groups" id={id}>
      <caption>{t('analytics.byDimension', { dimension })}</caption>
      <thead>
        <tr>
          <th scope="col">{dimension}</th>
          {columns.map((c) => (
            <th scope="col" class="num" key={c.name}>
              {c.name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {breakdown.groups.map((group, i) => (
          <tr key={group.key}>
            <th scope="row">{groupName(breakdown.dimension, group.key)}</th>
            {columns.map((c) => {
              const text = c.value(group.current);
              return (
                <td class="num" key={c.name}>
                  {c.figure ? (
                    <button
                      type="button"
                      class="subtle"
                      onClick={open(
                        report,
                        `/breakdown/groups/${i}/current${c.figure}`,
                        `${c.name}: ${groupName(breakdown.dimension, group.key)}`,
                      )}
                    >
                      {text}
                    </button>
                  ) : (
                    text
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
