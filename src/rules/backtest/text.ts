/**
 * The backtest report as terminal text: one section per decision kind, tables of before/after
 * counts, and the first changed leads and quotes with the condition that flipped. Pure.
 */
import type { BacktestReport, BeforeAfter } from './tally';

/** Changed leads, decisions or quotes listed per kind (the JSON and HTML reports list all). */
const LISTED = 20;

function delta(row: BeforeAfter): string {
  const d = row.after - row.before;
  return d === 0 ? '' : d > 0 ? `+${d}` : `${d}`;
}

/** A left-aligned first column, right-aligned numbers. */
function table(header: string[], rows: (string | number)[][]): string[] {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function split<K extends string>(title: string, key: K, rows: (BeforeAfter & Record<K, string>)[]): string[] {
  if (rows.length === 0) return [];
  return ['', ...table([title, 'before', 'after', 'Δ'], rows.map((r) => [r[key], r.before, r.after, delta(r)]))];
}

function more(total: number): string[] {
  return total > LISTED ? [`  … and ${total - LISTED} more (--format json or html lists them all)`] : [];
}

/** The whole report, as lines. */
export function formatBacktestText(report: BacktestReport): string[] {
  const range = `${report.since?.slice(0, 10) ?? 'the beginning'} → ${report.until?.slice(0, 10) ?? 'now'}`;
  const lines = [
    `Backtest of candidate ${report.candidateVersion} against active ${report.activeVersion}, ${range}`,
  ];
  const { scoring, routing, approvals } = report;
  if (scoring) {
    lines.push(
      '',
      `SCORING  ${scoring.leads} leads, ${scoring.decisions} scoring decisions replayed; ${scoring.changedDecisions} decide differently`,
      `  MQLs: ${scoring.mqls.before} → ${scoring.mqls.after} (${delta(scoring.mqls) || '±0'}); ${scoring.changedTotal} leads change`,
      ...split('week (Mon)', 'week', scoring.mqlsByWeek),
      ...split('source', 'source', scoring.mqlsBySource),
    );
    if (scoring.changed.length > 0) lines.push('', 'Leads whose MQL outcome changes:');
    for (const c of scoring.changed.slice(0, LISTED)) {
      const when = (at: string | null) => (at ? `MQL ${at.slice(0, 16).replace('T', ' ')}` : 'no MQL');
      lines.push(`  ${c.label} (${c.source}): ${when(c.mqlAtBefore)} → ${when(c.mqlAtAfter)}: ${c.flipped}`);
    }
    lines.push(...more(scoring.changedTotal));
  }
  if (routing) {
    lines.push(
      '',
      `ROUTING  ${routing.decisions} routing decisions replayed; ${routing.changedDecisions} go elsewhere`,
      ...split('pool / target', 'target', routing.byPool),
      ...split('rep', 'rep', routing.byRep),
    );
    if (routing.changed.length > 0) lines.push('', 'Leads routed differently:');
    for (const c of routing.changed.slice(0, LISTED))
      lines.push(`  ${c.label} (${c.at.slice(0, 10)}): ${c.before}  ⇒  ${c.after}: ${c.flipped}`);
    lines.push(...more(routing.changedTotal));
  }
  if (approvals) {
    lines.push(
      '',
      `APPROVALS  ${approvals.quotes} quote versions replayed; ${approvals.changedQuotes} change approval tier`,
      ...split('tier', 'tier', approvals.byTier),
    );
    if (approvals.changed.length > 0) lines.push('', 'Quotes whose approval tier changes:');
    for (const c of approvals.changed.slice(0, LISTED)) lines.push(`  ${c.label}: ${c.flipped}`);
    lines.push(...more(approvals.changedTotal));
  }
  return lines;
}
