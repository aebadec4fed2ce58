/**
 * The rules API's answers as the rules page reads them (src/api/rules-routes.ts,
 * rules-history-routes.ts, backtest-routes.ts): GET /api/rules, /activations, /versions/{hash},
 * /diff, and the backtest jobs.
 */

export interface RulesStatus {
  state: 'ok' | 'degraded' | 'error';
  activeVersion: string | null;
  loadedAt: string | null;
  /** The latest change of the rules folder, when it was refused (the live version kept running). */
  lastRejected?: { at: string; messages: string[] };
}

export interface Activation {
  hash: string;
  previous: string | null;
  activatedAt: string;
  summary: string | null;
  actor: string | null;
  reason: string | null;
}

export interface StoredVersion {
  hash: string;
  createdAt: string;
  activatedAt: string | null;
  summary: string | null;
  files: Record<string, string>;
}

/** A version as GET /api/rules/versions lists it: file names, no texts. */
export interface ListedVersion {
  hash: string;
  createdAt: string;
  activatedAt: string | null;
  summary: string | null;
  files: string[];
}

export interface VersionList {
  versions: ListedVersion[];
  next: string | null;
}

export interface RuleChange {
  file: string;
  kind: string;
  what: string;
  change: 'changed' | 'added' | 'removed' | 'reordered';
  before?: string;
  after?: string;
  text: string;
}

export interface RulesDiff {
  from: string;
  to: string;
  changes: RuleChange[];
}

export const BACKTEST_KINDS = ['scoring', 'routing', 'approvals'] as const;
export type BacktestKind = (typeof BACKTEST_KINDS)[number];

interface BeforeAfter {
  before: number;
  after: number;
}
interface Change {
  before: string;
  after: string;
  flipped: string;
  diff: string[];
}

export interface BacktestReport {
  activeVersion: string;
  candidateVersion: string;
  since: string | null;
  until: string | null;
  kinds: BacktestKind[];
  scoring?: {
    leads: number;
    decisions: number;
    changedDecisions: number;
    mqls: BeforeAfter;
    mqlsByWeek: (BeforeAfter & { week: string })[];
    mqlsBySource: (BeforeAfter & { source: string })[];
    /** How many changed; `changed` holds the first 50 (GET …/changes has them all). */
    changedTotal: number;
    changed: (Change & { leadId: string; label: string; source: string; scoreBefore: number; scoreAfter: number })[];
  };
  routing?: {
    decisions: number;
    changedDecisions: number;
    byPool: (BeforeAfter & { target: string })[];
    byRep: (BeforeAfter & { rep: string })[];
    changedTotal: number;
    changed: (Change & { leadId: string; label: string; at: string })[];
  };
  approvals?: {
    quotes: number;
    changedQuotes: number;
    byTier: (BeforeAfter & { tier: string })[];
    changedTotal: number;
    changed: (Change & { quoteVersionId: string; label: string; tierBefore: string | null; tierAfter: string | null })[];
  };
}

export interface BacktestJob {
  id: string;
  status: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  activeVersion: string;
  candidateVersion: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
  report: BacktestReport | null;
}

/** A version's hash as people read it: its first 10 digits (the API takes a unique prefix of 8 or more). */
export const short = (hash: string): string => hash.slice(0, 10);

/** One stored version and the activations that made it live, newest first. */
export interface VersionRow {
  hash: string;
  activations: Activation[];
}

/**
 * The stored versions named in the activation history (each activation's version and the one
 * before it), the most recently activated first. Every version the registry stores has been
 * activated, so the history names them all.
 */
export function versionsOf(activations: Activation[]): VersionRow[] {
  const rows = new Map<string, VersionRow>();
  for (const activation of activations) {
    const row = rows.get(activation.hash) ?? { hash: activation.hash, activations: [] };
    row.activations.push(activation);
    rows.set(activation.hash, row);
  }
  for (const activation of activations)
    if (activation.previous && !rows.has(activation.previous))
      rows.set(activation.previous, { hash: activation.previous, activations: [] });
  return [...rows.values()];
}
