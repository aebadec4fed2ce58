/**
 * The backtest report as one self-contained HTML page: inline styles, no script, nothing loaded
 * from elsewhere, every stored or rule-file text escaped. Pure. The page comes in parts, with a
 * slot for each kind's list of changes, so a caller can stream a long list into it a batch at a
 * time (src/usecases/backtest-output.ts) instead of holding it whole.
 */
import type {
  BacktestChange,
  BacktestKind,
  BacktestReport,
  BeforeAfter,
  LeadMqlChange,
  QuoteTierChange,
  RoutingChange,
} from './tally';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

const e = escapeHtml;

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2433;max-width:72rem}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d5dae3}
table{border-collapse:collapse;margin:.75rem 0}th,td{padding:.25rem .6rem;border-bottom:1px solid #e6e9ef;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#0a6b2d}.down{color:#a1260d}
pre{margin:0;font-size:12px;white-space:pre-wrap}code{font-size:12px}.muted{color:#5b6475}`;

function delta(row: BeforeAfter): string {
  const d = row.after - row.before;
  if (d === 0) return '<td class="n"></td>';
  return `<td class="n ${d > 0 ? 'up' : 'down'}">${d > 0 ? '+' : '−'}${Math.abs(d)}</td>`;
}

function split<K extends string>(caption: string, key: K, rows: (BeforeAfter & Record<K, string>)[]): string {
  if (rows.length === 0) return '';
  const body = rows
    .map((r) => `<tr><td>${e(r[key])}</td><td class="n">${r.before}</td><td class="n">${r.after}</td>${delta(r)}</tr>`)
    .join('');
  return `<table><caption>${e(caption)}</caption><thead><tr><th>${e(caption)}</th><th class="n">before</th><th class="n">after</th><th class="n">Δ</th></tr></thead><tbody>${body}</tbody></table>`;
}

function diff(lines: string[]): string {
  return lines.length === 0 ? '' : `<pre>${e(lines.join('\n'))}</pre>`;
}

function leadRows(changes: LeadMqlChange[]): string {
  const when = (at: string | null) => (at ? `MQL ${e(at.slice(0, 16).replace('T', ' '))}` : 'no MQL');
  return changes
    .map(
      (c) =>
        `<tr><td>${e(c.label)}</td><td>${e(c.source)}</td><td>${when(c.mqlAtBefore)}</td><td>${when(c.mqlAtAfter)}</td><td>${e(c.flipped)}${diff(c.diff)}</td></tr>`,
    )
    .join('');
}

function routingRows(changes: RoutingChange[]): string {
  return changes
    .map(
      (c) =>
        `<tr><td>${e(c.label)}</td><td>${e(c.at.slice(0, 10))}</td><td>${e(c.before)}</td><td>${e(c.after)}</td><td>${e(c.flipped)}${diff(c.diff)}</td></tr>`,
    )
    .join('');
}

function quoteRows(changes: QuoteTierChange[]): string {
  return changes
    .map(
      (c) =>
        `<tr><td>${e(c.label)}</td><td>${e(c.tierBefore ?? 'out of range')}</td><td>${e(c.tierAfter ?? 'out of range')}</td><td>${e(c.flipped)}${diff(c.diff)}</td></tr>`,
    )
    .join('');
}

const LIST_HEADERS: Record<BacktestKind, string[]> = {
  scoring: ['Lead', 'Source', 'Before', 'After', 'What flipped'],
  routing: ['Lead', 'Routed', 'Before', 'After', 'What flipped'],
  approvals: ['Quote', 'Before', 'After', 'What flipped'],
};

/** The HTML a kind's list starts with, once it has a first row. */
export function changeListStart(kind: BacktestKind): string {
  return `<table><thead><tr>${LIST_HEADERS[kind].map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>`;
}
export const CHANGE_LIST_END = '</tbody></table>';
/** What stands for a list with no changes. */
export const NO_CHANGES = '<p class="muted">No outcome changes.</p>';

/** A batch of a kind's list, as table rows. */
export function changeRows(changes: BacktestChange[]): string {
  return changes
    .map((c) => {
      switch (c.kind) {
        case 'scoring':
          return leadRows([c]);
        case 'routing':
          return routingRows([c]);
        case 'approvals':
          return quoteRows([c]);
      }
    })
    .join('');
}

/** A part of the page: HTML, or the slot where a kind's list of changes goes. */
export type BacktestHtmlPart = string | { changes: BacktestKind };

/** The page in order, with a slot for each kind's list. */
export function backtestHtmlParts(report: BacktestReport): BacktestHtmlPart[] {
  const range = `${report.since?.slice(0, 10) ?? 'the beginning'} → ${report.until?.slice(0, 10) ?? 'now'}`;
  const parts: BacktestHtmlPart[] = [
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>leadflow backtest ${e(report.candidateVersion)}</title><style>${STYLE}</style></head><body>`,
    `<h1>Backtest of candidate <code>${e(report.candidateVersion)}</code></h1>`,
    `\n<p>Against the active version <code>${e(report.activeVersion)}</code>, over ${e(range)}.</p>`,
  ];
  const { scoring, routing, approvals } = report;
  if (scoring)
    parts.push(
      '\n<h2>Scoring</h2>',
      `\n<p>${scoring.leads} leads and ${scoring.decisions} scoring decisions replayed; ${scoring.changedDecisions} decide differently. MQLs: <strong>${scoring.mqls.before} → ${scoring.mqls.after}</strong>.</p>`,
      `\n${split('Week (Monday)', 'week', scoring.mqlsByWeek)}`,
      `\n${split('Source', 'source', scoring.mqlsBySource)}`,
      `\n<h3>Leads whose MQL outcome changes (${scoring.changedTotal})</h3>\n`,
      { changes: 'scoring' },
    );
  if (routing)
    parts.push(
      '\n<h2>Routing</h2>',
      `\n<p>${routing.decisions} routing decisions replayed; ${routing.changedDecisions} go elsewhere.</p>`,
      `\n${split('Pool or target', 'target', routing.byPool)}`,
      `\n${split('Rep', 'rep', routing.byRep)}`,
      `\n<h3>Leads routed differently (${routing.changedTotal})</h3>\n`,
      { changes: 'routing' },
    );
  if (approvals)
    parts.push(
      '\n<h2>Discount approvals</h2>',
      `\n<p>${approvals.quotes} quote versions replayed; ${approvals.changedQuotes} change approval tier.</p>`,
      `\n${split('Tier', 'tier', approvals.byTier)}`,
      `\n<h3>Quotes whose approval tier changes (${approvals.changedTotal})</h3>\n`,
      { changes: 'approvals' },
    );
  parts.push('</body></html>\n');
  return parts;
}

/** The report as a complete HTML document, listing the changes its `changed` lists hold. */
export function renderBacktestHtml(report: BacktestReport): string {
  const listed = (kind: BacktestKind): BacktestChange[] =>
    ((report[kind]?.changed ?? []) as object[]).map((c) => ({ kind, ...c }) as BacktestChange);
  return backtestHtmlParts(report)
    .map((part) => {
      if (typeof part === 'string') return part;
      const changes = listed(part.changes);
      return changes.length === 0 ? NO_CHANGES : `${changeListStart(part.changes)}${changeRows(changes)}${CHANGE_LIST_END}`;
    })
    .join('');
}
