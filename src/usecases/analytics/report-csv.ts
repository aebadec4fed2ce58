/**
 * A report as one CSV table in long form: one row per figure, for the current and the previous
 * period and for each part of a breakdown, so that every report (whatever tables it holds: stages,
 * steps, tiers, reps, currencies) exports the same five columns and pivots in any spreadsheet:
 *
 *   period,group,figure,currency,value
 *   current,(all),winRate.byCount.value,,0.5714285714285714
 *   current,(all),winRate.byValue.numeratorMinor,EUR,3000000
 *   current,alice@example.com,openByStage[proposal].deals.count,,1
 *
 * `figure` is the figure's path in the JSON report; a list's entries are named by their key in
 * brackets (a stage, a tier, a funnel step `mql>sql`, a rep) and money entries by the `currency`
 * column. The drill-down ids are left out: the JSON report and the drill-down route carry them.
 */
import type { ReportEnvelope } from './run-report';

export const REPORT_CSV_COLUMNS = ['period', 'group', 'figure', 'currency', 'value'] as const;

/** The group of the figures of the whole (not of a breakdown's part). */
export const WHOLE = '(all)';

const SKIPPED = new Set(['ids', 'numeratorIds', 'denominatorIds']);

type Row = [period: string, group: string, figure: string, currency: string, value: string];

interface Label {
  /** The entry's name in the path, or null when it is named by its currency only. */
  name: string | null;
  /** The fields the name is made of: not repeated as figures. */
  used: string[];
}

const text = (value: unknown): value is string => typeof value === 'string';

/** How a list entry is named in a figure's path. */
function labelOf(entry: Record<string, unknown>, index: number): Label {
  if (text(entry.from) && text(entry.to) && 'conversion' in entry)
    return { name: `${entry.from}>${entry.to}`, used: ['from', 'to'] };
  if (text(entry.kind) && text(entry.stage)) return { name: `${entry.kind}:${entry.stage}`, used: ['kind', 'stage'] };
  if (text(entry.source) && 'campaign' in entry)
    return {
      name: text(entry.campaign) ? `${entry.source}/${entry.campaign}` : entry.source,
      used: ['source', 'campaign'],
    };
  for (const key of ['key', 'stage', 'tier', 'version', 'bucket'])
    if (text(entry[key])) return { name: entry[key], used: [key] };
  if (text(entry.currency)) return { name: null, used: [] };
  return { name: String(index), used: [] };
}

/** A value as a CSV cell: empty for null, numbers as JavaScript writes them. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** The rows of one period's figures (`node`), under `period` and `group`. */
function figureRows(node: unknown, period: string, group: string): Row[] {
  const rows: Row[] = [];
  const walk = (value: unknown, path: string, currency: string, skip: readonly string[]): void => {
    if (Array.isArray(value)) {
      if (value.every((item) => item === null || typeof item !== 'object')) return; // a list of ids or names
      value.forEach((item, index) => {
        if (item === null || typeof item !== 'object') return;
        const entry = item as Record<string, unknown>;
        const label = labelOf(entry, index);
        const here = label.name === null ? path : `${path}[${label.name}]`;
        walk(entry, here, text(entry.currency) ? entry.currency : currency, label.used);
      });
      return;
    }
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (SKIPPED.has(key) || skip.includes(key) || key === 'currency') continue;
        walk(child, path === '' ? key : `${path}.${key}`, currency, []);
      }
      return;
    }
    rows.push([period, group, path, currency, cellText(value)]);
  };
  walk(node, '', '', []);
  return rows;
}

/** Every figure of the report, the whole first, then each part of the breakdown. */
export function reportRows(report: ReportEnvelope): Row[] {
  const rows = [...figureRows(report.current, 'current', WHOLE), ...figureRows(report.previous, 'previous', WHOLE)];
  for (const group of report.breakdown?.groups ?? [])
    rows.push(...figureRows(group.current, 'current', group.key), ...figureRows(group.previous, 'previous', group.key));
  return rows;
}
