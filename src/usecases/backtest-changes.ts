/**
 * The full list of decisions a backtest job changes, kept in the BacktestChange table rather than
 * in the job's report (on 100k leads it can hold tens of thousands): written in batches while the
 * job runs, read back a page at a time (keyset on kind, order within the kind, order found) or all
 * of it (the CLI's report, the CSV export). The job's report keeps the counts and the first
 * CHANGE_SAMPLE of each kind.
 */
import type { Db, Prisma } from '../db/client';
import { LeadflowError } from '../domain/errors';
import {
  BACKTEST_KINDS,
  changeSortKey,
  type BacktestChange,
  type BacktestChanges,
  type BacktestKind,
  type BacktestReport,
} from '../rules/backtest/tally';

/** Changes of each kind the job's report keeps (the first page of the full list). */
export const CHANGE_SAMPLE = 50;
/** Rows per insert: 11 columns each stays well under SQLite's bound-variable limit. */
const WRITE_BATCH = 500;
/** Rows per read when the whole list is wanted. */
const READ_BATCH = 1000;

/** Appends a job's changed decisions to the table, numbering them in the order found. */
export class BacktestChangeWriter {
  private seq = 0;

  constructor(
    private readonly db: Db,
    private readonly jobId: string,
  ) {}

  async write(changes: BacktestChanges): Promise<void> {
    const rows: Prisma.BacktestChangeCreateManyInput[] = [
      ...changes.scoring.map((c) => this.row({ kind: 'scoring', ...c }, c.leadId)),
      ...changes.routing.map((c) => this.row({ kind: 'routing', ...c }, c.leadId)),
      ...changes.approvals.map((c) => this.row({ kind: 'approvals', ...c }, c.quoteVersionId)),
    ];
    for (let start = 0; start < rows.length; start += WRITE_BATCH)
      await this.db.backtestChange.createMany({ data: rows.slice(start, start + WRITE_BATCH) });
  }

  private row(change: BacktestChange, subjectId: string): Prisma.BacktestChangeCreateManyInput {
    const { kind, ...stored } = change;
    return {
      jobId: this.jobId,
      seq: ++this.seq,
      kind,
      subjectId,
      label: change.label,
      sortKey: changeSortKey(change),
      before: change.before,
      after: change.after,
      flipped: change.flipped,
      change: stored,
    };
  }
}

export interface ChangePageQuery {
  kind?: BacktestKind;
  limit: number;
  /** The `nextCursor` of the previous page: the order number of its last change. */
  after?: number;
}

export interface ChangePage {
  items: BacktestChange[];
  nextCursor: string | null;
}

/**
 * One page of a job's changes: kind by kind (scoring, routing, approvals), each in the report's
 * order. A cursor that names no change of the job, or one of another kind than `kind`, is refused
 * on `query.after` (422).
 */
export async function backtestChangePage(db: Db, jobId: string, query: ChangePageQuery): Promise<ChangePage> {
  let last: { kind: string; sortKey: string; seq: number } | null = null;
  if (query.after !== undefined) {
    last = await db.backtestChange.findUnique({
      where: { jobId_seq: { jobId, seq: query.after } },
      select: { kind: true, sortKey: true, seq: true },
    });
    if (!last)
      throw new LeadflowError('unprocessable', 'The cursor is not one of this backtest; see fields.', {
        details: [
          {
            path: 'query.after',
            message: `is not the nextCursor of a page of backtest ${jobId}: start without "after"`,
            unprocessable: true,
          },
        ],
      });
  }
  if (last && query.kind && last.kind !== query.kind)
    throw new LeadflowError('unprocessable', 'The cursor is of another kind; see fields.', {
      details: [
        {
          path: 'query.after',
          message: `is the cursor of a ${last.kind} change: pass it with kind=${last.kind}, or without kind`,
          unprocessable: true,
        },
      ],
    });
  const kinds = query.kind
    ? [query.kind]
    : BACKTEST_KINDS.slice(last ? BACKTEST_KINDS.indexOf(last.kind as BacktestKind) : 0);
  const rows: { seq: number; kind: string; change: unknown }[] = [];
  for (const kind of kinds) {
    const from: Prisma.BacktestChangeWhereInput =
      last && last.kind === kind
        ? { OR: [{ sortKey: { gt: last.sortKey } }, { sortKey: last.sortKey, seq: { gt: last.seq } }] }
        : {};
    rows.push(
      ...(await db.backtestChange.findMany({
        where: { jobId, kind, ...from },
        orderBy: [{ sortKey: 'asc' }, { seq: 'asc' }],
        take: query.limit + 1 - rows.length,
        select: { seq: true, kind: true, change: true },
      })),
    );
    if (rows.length > query.limit) break;
  }
  const page = rows.slice(0, query.limit);
  return {
    items: page.map((row) => ({ kind: row.kind, ...(row.change as object) }) as BacktestChange),
    nextCursor: rows.length > query.limit ? String(page.at(-1)!.seq) : null,
  };
}

/** Every change of a kind, a batch at a time, in the report's order. */
export async function* allBacktestChanges(db: Db, jobId: string, kind: BacktestKind): AsyncGenerator<BacktestChange[]> {
  let after: number | undefined;
  for (;;) {
    const page = await backtestChangePage(db, jobId, { kind, limit: READ_BATCH, after });
    if (page.items.length > 0) yield page.items;
    if (page.nextCursor === null) return;
    after = Number(page.nextCursor);
  }
}

/** The report with each kind's `changed` filled from the table: its first `limit` changes, or all. */
export async function withStoredChanges(
  db: Db,
  jobId: string,
  report: BacktestReport,
  limit: number | 'all',
): Promise<BacktestReport> {
  const listOf = async (kind: BacktestKind) => {
    if (limit !== 'all') return (await backtestChangePage(db, jobId, { kind, limit })).items.map(withoutKind);
    const all: ReturnType<typeof withoutKind>[] = [];
    for await (const batch of allBacktestChanges(db, jobId, kind)) all.push(...batch.map(withoutKind));
    return all;
  };
  const { scoring, routing, approvals } = report;
  return {
    ...report,
    ...(scoring ? { scoring: { ...scoring, changed: (await listOf('scoring')) as typeof scoring.changed } } : {}),
    ...(routing ? { routing: { ...routing, changed: (await listOf('routing')) as typeof routing.changed } } : {}),
    ...(approvals
      ? { approvals: { ...approvals, changed: (await listOf('approvals')) as typeof approvals.changed } }
      : {}),
  };
}

function withoutKind(change: BacktestChange) {
  const { kind: _kind, ...rest } = change;
  return rest;
}
