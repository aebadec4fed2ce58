/**
 * HTTP endpoints for backtests (RevOps only): start one on a candidate's files, follow its
 * progress, read its report as JSON or as an HTML page, page through (or download as CSV) the
 * full list of decisions it changes, and delete it (cancelling it if it still runs). Thin: parse, call the use-case
 * (src/usecases/backtest-jobs.ts, backtest-changes.ts, backtest-removal.ts), answer.
 */
import { once } from 'node:events';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireActor } from '../auth/actor';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import type { Logger } from '../logger';
import { BACKTEST_KINDS, type BacktestChange } from '../rules/backtest/tally';
import type { RuleRegistry } from '../rules/registry';
import { allBacktestChanges, backtestChangePage } from '../usecases/backtest-changes';
import { storedChanges, writeBacktestHtml } from '../usecases/backtest-output';
import { backtestJob, startBacktestJob, type BacktestJobView } from '../usecases/backtest-jobs';
import { deleteBacktestJob } from '../usecases/backtest-removal';
import { csvRows, toCsv } from './csv';
import { brokenRule, invalidInput, parseInput } from './input';
import { because } from './zod-words';

export interface BacktestRoutesDeps {
  db: Db;
  registry: Pick<RuleRegistry, 'active'>;
  logger: Logger;
  now?: () => Date;
}

const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const day = (description: string) =>
  z
    .string()
    .regex(DAY, 'must be a date such as 2026-03-01 (YYYY-MM-DD)')
    // zod runs a refinement after a failed check too: only a well-formed day is tried as a date.
    .refine(
      (text) => !DAY.test(text) || new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text,
      because('calendar-date', {}, { unprocessable: true }),
    )
    .meta({ description });

export const backtestBody = z.strictObject({
  files: z
    .record(
      z
        .string()
        .regex(/^[a-z]+(-[a-z]+)*\.ya?ml$/, 'a rule file name, e.g. "scoring.yaml"')
        .max(40),
      z.string().max(128 * 1024, 'a rule file must be under 128 k characters'),
    )
    .meta({
      description:
        'The candidate rules folder: file name → exact text, one entry per rule file (scoring.yaml, routing.yaml, …), as `leadflow rules check` would read them.',
    }),
  since: day('Replay history from this day (UTC) on; absent: from the first record.').optional(),
  until: day('Replay history up to and including this day (UTC); absent: up to now.').optional(),
  kinds: z
    .array(z.enum(BACKTEST_KINDS))
    .min(1)
    .max(3)
    .optional()
    .meta({ description: 'Which decisions to replay; absent: all three.' }),
});

export const backtestParams = z.object({
  backtestId: z
    .string()
    .regex(/^bt_[0-9a-f-]{36}$/, 'a backtest id, e.g. "bt_0f8c…"')
    .meta({ description: 'The id POST /api/rules/backtests answered.' }),
});

export const backtestChangesQuery = z.strictObject({
  kind: z.enum(BACKTEST_KINDS).optional().meta({ description: 'Only changes of this kind; absent: all kinds.' }),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1–500')
    .max(500, 'must be 1–500')
    .default(100)
    .meta({ description: 'Changes per page.' }),
  after: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'must be the nextCursor of the previous page')
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page (with the same `kind`).' }),
});

export const backtestChangesCsvQuery = z.strictObject({
  kind: z.enum(BACKTEST_KINDS).optional().meta({ description: 'Only changes of this kind; absent: all kinds.' }),
});

const BeforeAfter = z.strictObject({ before: z.int(), after: z.int() });
const Change = z.strictObject({
  before: z.string().meta({ description: "The active version's summary of the decision." }),
  after: z.string().meta({ description: "The candidate's summary." }),
  flipped: z.string().meta({ description: 'The condition that flipped, in one line.' }),
  diff: z
    .array(z.string())
    .meta({ description: 'Explanation lines only one version gives: `- ` active, `+ ` candidate.' }),
});

const LeadMqlChange = Change.extend({
  leadId: z.string(),
  label: z.string(),
  source: z.string(),
  mqlAtBefore: z.iso.datetime().nullable(),
  mqlAtAfter: z.iso.datetime().nullable(),
  scoreBefore: z.number(),
  scoreAfter: z.number(),
});
const RoutingChange = Change.extend({ leadId: z.string(), label: z.string(), at: z.iso.datetime() });
const QuoteTierChange = Change.extend({
  quoteVersionId: z.string(),
  label: z.string(),
  tierBefore: z.string().nullable(),
  tierAfter: z.string().nullable(),
});
const changedTotal = z
  .int()
  .meta({ description: 'How many there are in all; `changed` holds the first 50 (the full list: `…/changes`).' });

export const BacktestChangePageSchema = z.strictObject({
  items: z.array(
    z.discriminatedUnion('kind', [
      LeadMqlChange.extend({ kind: z.literal('scoring') }),
      RoutingChange.extend({ kind: z.literal('routing') }),
      QuoteTierChange.extend({ kind: z.literal('approvals') }),
    ]),
  ),
  nextCursor: z
    .string()
    .nullable()
    .meta({ description: 'Pass as `after` (with the same `kind`) for the next page; null on the last page.' }),
});

export const BacktestReportSchema = z.strictObject({
  activeVersion: z.string(),
  candidateVersion: z.string(),
  since: z.iso.datetime().nullable(),
  until: z.iso.datetime().nullable(),
  kinds: z.array(z.enum(BACKTEST_KINDS)),
  scoring: z
    .strictObject({
      leads: z.int(),
      decisions: z.int(),
      changedDecisions: z.int(),
      mqls: BeforeAfter,
      mqlsByWeek: z.array(BeforeAfter.extend({ week: z.string() })),
      mqlsBySource: z.array(BeforeAfter.extend({ source: z.string() })),
      changedTotal,
      changed: z.array(LeadMqlChange),
    })
    .optional(),
  routing: z
    .strictObject({
      decisions: z.int(),
      changedDecisions: z.int(),
      byPool: z.array(BeforeAfter.extend({ target: z.string() })),
      byRep: z.array(BeforeAfter.extend({ rep: z.string() })),
      changedTotal,
      changed: z.array(RoutingChange),
    })
    .optional(),
  approvals: z
    .strictObject({
      quotes: z.int(),
      changedQuotes: z.int(),
      byTier: z.array(BeforeAfter.extend({ tier: z.string() })),
      changedTotal,
      changed: z.array(QuoteTierChange),
    })
    .optional(),
});

export const BacktestJobSchema = z.strictObject({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  done: z.int().meta({ description: 'Leads, routing decisions and quote versions replayed so far.' }),
  total: z.int().meta({ description: 'How many there are to replay.' }),
  activeVersion: z.string(),
  candidateVersion: z.string(),
  kinds: z.array(z.enum(BACKTEST_KINDS)),
  since: z.iso.datetime().nullable(),
  until: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  error: z.string().nullable().meta({ description: 'Why a failed job failed.' }),
  report: BacktestReportSchema.nullable().meta({ description: 'The report, once the job is done.' }),
});

/** The 400 for a refused part of a request, its field messages in the caller's language (./input.ts). */
function invalid(what: string, schema: z.ZodType, value: unknown, error: z.ZodError): LeadflowError {
  return invalidInput(`The ${what} is invalid; see fields.`, schema, value, error);
}

/** The job, once done; a running or failed job is a conflict that says which. */
function finished(job: BacktestJobView): BacktestJobView & { report: NonNullable<BacktestJobView['report']> } {
  if (job.report) return { ...job, report: job.report };
  throw new LeadflowError(
    'conflict',
    job.status === 'failed'
      ? `Backtest ${job.id} failed: ${job.error ?? 'no reason recorded'}`
      : `Backtest ${job.id} is still running (${job.done}/${job.total}).`,
  );
}

const CSV_HEADER = ['kind', 'id', 'label', 'at', 'before', 'after', 'flipped', 'diff'] as const;

/** One change as a CSV row: the lead or quote version, when it changed (MQL or routing time), and why. */
function csvRowOf(change: BacktestChange): string[] {
  const common = [change.before, change.after, change.flipped, change.diff.join('\n')];
  switch (change.kind) {
    case 'scoring':
      return ['scoring', change.leadId, change.label, change.mqlAtAfter ?? change.mqlAtBefore ?? '', ...common];
    case 'routing':
      return ['routing', change.leadId, change.label, change.at, ...common];
    case 'approvals':
      return ['approvals', change.quoteVersionId, change.label, '', ...common];
  }
}

/** `2026-03-31` → the start of 1 April (UTC): `until` includes its day. */
function dayAfter(text: string): Date {
  return new Date(Date.parse(`${text}T00:00:00Z`) + 86_400_000);
}

/** Routes to mount under `/api/rules/backtests`. */
export function backtestRoutes(deps: BacktestRoutesDeps): Router {
  const router = Router();

  router.post('/', async (req: Request, res: Response) => {
    const parsed = backtestBody.safeParse(req.body ?? undefined);
    if (!parsed.success) throw invalid('backtest request', backtestBody, req.body ?? undefined, parsed.error);
    const { files, since, until, kinds } = parsed.data;
    const from = since ? new Date(`${since}T00:00:00Z`) : null;
    const to = until ? dayAfter(until) : null;
    if (from && to && from >= to) throw brokenRule('The range is empty; see fields.', 'until', 'on-or-after-since');
    const { job } = await startBacktestJob(
      {
        db: deps.db,
        active: () => deps.registry.active(),
        now: deps.now,
        onError: (error, id) => deps.logger.error({ err: error, backtest: id }, 'backtest failed'),
      },
      requireActor(req),
      {
        files,
        since: from,
        until: to,
        kinds: kinds ? BACKTEST_KINDS.filter((k) => kinds.includes(k)) : [...BACKTEST_KINDS],
      },
    );
    res.status(202).location(`/api/rules/backtests/${job.id}`).json(job);
  });

  router.get('/:backtestId', async (req: Request, res: Response) => {
    const params = backtestParams.safeParse(req.params);
    if (!params.success) throw invalid('backtest id', backtestParams, req.params, params.error);
    res.json(await backtestJob(deps, requireActor(req).tenant, params.data.backtestId));
  });

  router.delete('/:backtestId', async (req: Request, res: Response) => {
    const params = backtestParams.safeParse(req.params);
    if (!params.success) throw invalid('backtest id', backtestParams, req.params, params.error);
    await deleteBacktestJob(deps, requireActor(req), params.data.backtestId);
    res.status(204).end();
  });

  router.get('/:backtestId/report.html', async (req: Request, res: Response) => {
    const params = backtestParams.safeParse(req.params);
    if (!params.success) throw invalid('backtest id', backtestParams, req.params, params.error);
    const job = finished(await backtestJob(deps, requireActor(req).tenant, params.data.backtestId));
    // A self-contained page: inline styles only, nothing else may load.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
    );
    // The page lists every change, as the CLI's does (the job's report keeps only the first few),
    // streamed from the table a page at a time.
    res.type('html');
    const gone = once(res, 'close');
    await writeBacktestHtml(job.report, storedChanges(deps.db, job.id), async (chunk) => {
      // The reader went away: stop reading the list.
      if (res.destroyed) throw new LeadflowError('conflict', 'The reader closed the connection.');
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), gone]);
    });
    res.end();
  });

  router.get('/:backtestId/changes', async (req: Request, res: Response) => {
    const params = backtestParams.safeParse(req.params);
    if (!params.success) throw invalid('backtest id', backtestParams, req.params, params.error);
    const { kind, limit, after } = parseInput(backtestChangesQuery, 'query', req.query, 'The query');
    const job = finished(await backtestJob(deps, requireActor(req).tenant, params.data.backtestId));
    res.json(await backtestChangePage(deps.db, job.id, { kind, limit, after: after ? Number(after) : undefined }));
  });

  router.get('/:backtestId/changes.csv', async (req: Request, res: Response) => {
    const params = backtestParams.safeParse(req.params);
    if (!params.success) throw invalid('backtest id', backtestParams, req.params, params.error);
    const { kind } = parseInput(backtestChangesCsvQuery, 'query', req.query, 'The query');
    const job = finished(await backtestJob(deps, requireActor(req).tenant, params.data.backtestId));
    const kinds = kind ? [kind] : job.kinds;
    // Streamed a batch at a time: the full list can run to tens of thousands of rows.
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="backtest-${job.id}-changes.csv"`);
    res.write(toCsv(CSV_HEADER, []));
    for (const kind of kinds)
      for await (const batch of allBacktestChanges(deps.db, job.id, kind)) res.write(csvRows(batch.map(csvRowOf)));
    res.end();
  });

  return router;
}
